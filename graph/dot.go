package graph

import "strings"

// DOT draws g in Graphviz's DOT language: steps as boxes, each split
// branch and foreach body as a labelled cluster (a foreach labelled with
// what it iterates over), switch edges labelled with their case,
// onFailure edges dashed. The output is the same for the same graph.
func DOT(g *Graph) string {
	var b strings.Builder
	name := g.Name
	if name == "" {
		name = "pipeline"
	}
	b.WriteString("digraph " + dotQuote(name) + " {\n")
	b.WriteString("  rankdir=TB;\n")
	b.WriteString("  node [shape=box, style=rounded];\n")
	b.WriteString("  " + startID + " [shape=circle, label=\"start\"];\n")
	b.WriteString("  " + endID + " [shape=doublecircle, label=\"end\"];\n")
	dotScope(&b, g.Root, 1)
	for _, e := range drawEdges(g) {
		b.WriteString("  " + e.from + " -> " + e.to)
		var attrs []string
		if e.label != "" {
			attrs = append(attrs, "label="+dotQuote(e.label))
		}
		if e.dashed {
			attrs = append(attrs, "style=dashed")
		}
		if len(attrs) > 0 {
			b.WriteString(" [" + strings.Join(attrs, ", ") + "]")
		}
		b.WriteString(";\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func dotScope(b *strings.Builder, s *Scope, depth int) {
	for _, n := range s.Steps {
		writeIndent(b, depth)
		b.WriteString(nodeID(n) + " [label=" + dotQuote(n.Name) + "];\n")
	}
	for _, child := range nested(s) {
		writeIndent(b, depth)
		b.WriteString("subgraph cluster_" + scopeID(child) + " {\n")
		writeIndent(b, depth+1)
		style := "dashed"
		if child.Kind == ScopeBody {
			style = "bold"
		}
		b.WriteString("label=" + dotQuote(scopeLabel(child)) + "; style=" + style + ";\n")
		dotScope(b, child, depth+1)
		writeIndent(b, depth)
		b.WriteString("}\n")
	}
}

// dotQuote writes s as a DOT quoted string.
func dotQuote(s string) string {
	if !strings.ContainsAny(s, "\\\"\n") {
		return `"` + s + `"`
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
