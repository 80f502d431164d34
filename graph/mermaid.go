package graph

import "strings"

// Mermaid draws g as a Mermaid flowchart: steps as boxes, each split
// branch and foreach body as a titled subgraph (a foreach titled with what
// it iterates over), switch arrows labelled with their case, onFailure
// arrows dashed. The output is the same for the same graph.
func Mermaid(g *Graph) string {
	var b strings.Builder
	b.WriteString("flowchart TD\n")
	if g.Name != "" {
		b.WriteString("  %% pipeline " + g.Name + "\n")
	}
	b.WriteString("  " + startID + "((start))\n")
	b.WriteString("  " + endID + "((end))\n")
	mermaidScope(&b, g.Root, 1)
	for _, e := range drawEdges(g) {
		b.WriteString("  " + e.from)
		arrow := " --> "
		if e.dashed {
			arrow = " -.-> "
		}
		if e.label != "" {
			arrow = strings.TrimSuffix(arrow, " ") + "|" + mermaidText(e.label) + "| "
		}
		b.WriteString(arrow + e.to + "\n")
	}
	return b.String()
}

func mermaidScope(b *strings.Builder, s *Scope, depth int) {
	for _, n := range s.Steps {
		writeIndent(b, depth)
		b.WriteString(nodeID(n) + "[" + mermaidText(n.Name) + "]\n")
	}
	for _, child := range nested(s) {
		writeIndent(b, depth)
		b.WriteString("subgraph " + scopeID(child) + "[" + mermaidText(scopeLabel(child)) + "]\n")
		mermaidScope(b, child, depth+1)
		writeIndent(b, depth)
		b.WriteString("end\n")
	}
}

// mermaidText quotes a label, replacing the characters Mermaid cannot
// show inside quotes with its entity codes. A label with none of them
// (most are) is quoted as it is: building a replacer costs kilobytes,
// and a daemon draws every pipeline of a repository.
func mermaidText(s string) string {
	if !strings.ContainsAny(s, `"<>`) {
		return `"` + s + `"`
	}
	r := strings.NewReplacer(`"`, "#quot;", "<", "#lt;", ">", "#gt;")
	return `"` + r.Replace(s) + `"`
}
