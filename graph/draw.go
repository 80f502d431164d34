package graph

import (
	"strconv"
	"strings"
)

// drawEdge is one arrow of a drawing.
type drawEdge struct {
	from, to string
	label    string
	dashed   bool
}

// Ids of the start and end markers in drawings; step ids are "s" and the
// step's index, which no step name can collide with.
const (
	startID = "start"
	endID   = "finish"
)

func nodeID(n *Node) string { return "s" + strconv.Itoa(n.Index) }

// drawEdges lists the arrows of g in a stable order: the start, then each
// step's arrows in declaration order. A split or foreach step points at
// the first steps of its branches or body; its join is reached from their
// last steps, so the step itself draws no arrow to it.
func drawEdges(g *Graph) []drawEdge {
	edges := []drawEdge{{from: startID, to: nodeID(g.Root.Start)}}
	for _, n := range g.Steps {
		for _, e := range n.out {
			if d, ok := drawn(n, e); ok {
				edges = append(edges, d)
			}
		}
		if n.Ends() && n.Scope.Kind == ScopeRoot {
			edges = append(edges, drawEdge{from: nodeID(n), to: endID})
		}
	}
	return edges
}

func drawn(n *Node, e edge) (drawEdge, bool) {
	d := drawEdge{from: nodeID(n), to: nodeID(e.to)}
	switch e.kind {
	case edgeJoin:
		return d, false
	case edgeCase:
		d.label = e.key
	case edgeDefault:
		d.label = "default"
	case edgeFailure:
		d.label, d.dashed = "on failure", true
	case edgeStart:
		if n.Foreach != nil {
			d.label = "for each"
		}
	}
	return d, true
}

// scopeLabel is the title of a branch or body box.
func scopeLabel(s *Scope) string {
	if s.Kind == ScopeBody {
		f := s.Owner.Foreach
		label := "foreach " + f.Over
		if f.Mode == "distributed" {
			label += " (distributed)"
		}
		return label
	}
	return "split " + s.Owner.Name + ": branch " + s.Start.Name
}

// nested returns the scopes opened by the steps of s, in order.
func nested(s *Scope) []*Scope {
	var out []*Scope
	for _, n := range s.Steps {
		switch {
		case n.Split != nil:
			out = append(out, n.Split.Branches...)
		case n.Foreach != nil && n.Foreach.Body != nil:
			out = append(out, n.Foreach.Body)
		}
	}
	return out
}

// scopeID names a branch or body box after its owner and first step.
func scopeID(s *Scope) string {
	return "c" + strconv.Itoa(s.Owner.Index) + "_" + strconv.Itoa(s.Start.Index)
}

// writeIndent writes depth levels of two-space indentation.
func writeIndent(b *strings.Builder, depth int) {
	for range depth {
		b.WriteString("  ")
	}
}
