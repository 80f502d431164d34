package graph

import "strings"

// svgEdge is one arrow of an SVG drawing.
type svgEdge struct {
	from, to *item
	label    string
	failure  bool
	// via are the dummy items a long edge passes through.
	via []*item
}

// edges lists the arrows in a stable order: the start, then each step's
// arrows in declaration order. A split or foreach step points at the
// first steps of its branches or body; its join is reached from their
// last steps. A switch step points at its decision, which points at the
// cases.
func (lo *layout) edges(g *Graph) []svgEdge {
	out := []svgEdge{lo.edge(lo.start, lo.steps[g.Root.Start], "", false)}
	for _, n := range g.Steps {
		from := lo.steps[n]
		if d := lo.decisions[n]; d != nil {
			out = append(out, lo.edge(from, d, "", false))
		}
		for _, e := range n.out {
			to := lo.steps[e.to]
			switch e.kind {
			case edgeJoin:
			case edgeStart:
				out = append(out, lo.edge(from, to, "", false)) // the box says "for each"
			case edgeCase:
				out = append(out, lo.edge(lo.decisions[n], to, e.key, false))
			case edgeDefault:
				out = append(out, lo.edge(lo.decisions[n], to, "default", false))
			case edgeFailure:
				out = append(out, lo.edge(from, to, "on failure", true))
			default:
				out = append(out, lo.edge(from, to, "", false))
			}
		}
		if n.Ends() && n.Scope.Kind == ScopeRoot {
			out = append(out, lo.edge(from, lo.end, "", false))
		}
	}
	return merged(out)
}

// merged draws edges between the same two items once, their labels
// joined: two switch cases to one step make one arrow "fail, default".
func merged(edges []svgEdge) []svgEdge {
	out := edges[:0]
	seen := map[[2]*item]int{}
	for _, e := range edges {
		k := [2]*item{e.from, e.to}
		if i, ok := seen[k]; ok && out[i].failure == e.failure {
			switch {
			case out[i].label == "":
				out[i].label = e.label
			case e.label != "":
				out[i].label += ", " + e.label
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, e)
	}
	return out
}

// edge is the arrow from → to. An arrow that leaves a branch or body
// for its join goes down the scope's lanes to its exit first, so that
// it passes no step on the way.
func (lo *layout) edge(from, to *item, label string, failure bool) svgEdge {
	if from != nil && from.node != nil && to != nil && to.node != nil {
		s := from.node.Scope
		if exit := lo.exits[s]; exit != nil && to.node == s.Join {
			via := append(append([]*item(nil), lo.routes[[2]*item{from, exit}]...), exit)
			return svgEdge{from: from, to: to, label: label, failure: failure, via: via}
		}
	}
	return svgEdge{from: from, to: to, label: label, failure: failure, via: lo.routes[[2]*item{from, to}]}
}

// points are the arrow's path: from the bottom of its source through
// each dummy's lane to the top of its target.
func (e svgEdge) points() [][2]float64 {
	x0 := e.from.ax + e.from.w/2
	if e.failure && e.from.kind == itemStep {
		x0 = e.from.ax + e.from.w*0.8 // beside the arrow to the next step
	}
	pts := [][2]float64{{x0, e.from.ay + e.from.h}}
	for _, d := range e.via {
		cx := d.ax + d.w/2
		pts = append(pts, [2]float64{cx, d.ay}, [2]float64{cx, d.ay + d.h})
	}
	return append(pts, [2]float64{e.to.ax + e.to.w/2, e.to.ay})
}

// drawArrow writes the arrow as smooth vertical curves between its
// points, with its label on a white patch halfway down the first curve.
func drawArrow(b *strings.Builder, e svgEdge) {
	if e.from == nil || e.to == nil {
		return
	}
	pts := e.points()
	var d strings.Builder
	d.WriteString("M" + num(pts[0][0]) + "," + num(pts[0][1]))
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		mid := (p[1] + q[1]) / 2
		d.WriteString(" C" + num(p[0]) + "," + num(mid) + " " + num(q[0]) + "," + num(mid) + " " + num(q[0]) + "," + num(q[1]))
	}
	stroke, marker, dash := "#475569", "sluice-arrow", ""
	if e.failure {
		stroke, marker, dash = "#b91c1c", "sluice-arrow-fail", ` stroke-dasharray="6 4"`
	}
	b.WriteString(`<path class="edge" d="` + d.String() + `" fill="none" stroke="` + stroke + `" stroke-width="1.4"` + dash +
		` marker-end="url(#` + marker + `)"/>` + "\n")
	if e.label == "" {
		return
	}
	x, y := (pts[0][0]+pts[1][0])/2, (pts[0][1]+pts[1][1])/2
	w := float64(len([]rune(e.label)))*charWidth(10, false) + 8
	colour := "#334155"
	if e.failure {
		colour = "#b91c1c"
	}
	b.WriteString(`<g class="edge-label"><rect x="` + num(x-w/2) + `" y="` + num(y-7) + `" width="` + num(w) +
		`" height="14" rx="3" fill="#ffffff" fill-opacity="0.9"/><text x="` + num(x) + `" y="` + num(y+3.5) +
		`" text-anchor="middle" font-size="10" fill="` + colour + `">` + xmlText(e.label) + "</text></g>\n")
}
