package graph

import (
	"strings"
)

// SVGOptions change what SVGWith draws.
type SVGOptions struct {
	// Status maps a step's name to the status of its latest run
	// (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED): each step is
	// coloured by it and says it. With a non-nil Status, a step not in it
	// is drawn as not run yet.
	Status map[string]string
	// Href returns the address a step's box links to, or "" for none.
	Href func(step string) string
}

// SVG draws g as a standalone SVG picture laid out by the server: steps
// as boxes with their image and what they run on, each split branch as
// a dashed box and each foreach body as a stacked box titled with its
// list, switches as decision diamonds with their cases on the arrows,
// onFailure arrows dashed red. The output is the same for the same
// graph. It uses no script, no style sheet and no font files, so it
// shows under a strict content security policy.
func SVG(g *Graph) string { return SVGWith(g, SVGOptions{}) }

// margin around the picture.
const margin = 16.0

// SVGWith draws g as SVG does, with opts.
func SVGWith(g *Graph, opts SVGOptions) string {
	lo := newLayoutWith(g, opts)
	lo.root.settle(margin, margin)
	w, h := lo.root.w+2*margin, lo.root.h+2*margin
	var b strings.Builder
	name := g.Name
	if name == "" {
		name = "pipeline"
	}
	// A picture is an image; one whose steps are links is a group of
	// them, since an image's content is not reached by keyboard or
	// screen reader.
	role := "img"
	if opts.Href != nil {
		role = "group"
	}
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="sluice-graph" viewBox="0 0 ` + num(w) + " " + num(h) +
		`" width="` + num(w) + `" height="` + num(h) + `" role="` + role + `" aria-label="` + xmlText("step graph of "+name) +
		`" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">` + "\n")
	b.WriteString("<title>" + xmlText("Step graph of "+name) + "</title>\n")
	b.WriteString(svgDefs)
	for i := len(lo.boxes) - 1; i >= 0; i-- {
		drawBox(&b, lo.boxes[i])
	}
	for _, e := range lo.edges(g) {
		drawArrow(&b, e)
	}
	for _, box := range lo.boxes {
		drawBoxTitle(&b, box)
	}
	drawMarker(&b, lo.start, true)
	drawMarker(&b, lo.end, false)
	for _, n := range g.Steps {
		if d := lo.decisions[n]; d != nil {
			drawDecision(&b, d)
		}
		drawStep(&b, lo.steps[n], opts)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

const svgDefs = `<defs>
<marker id="sluice-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#475569"/></marker>
<marker id="sluice-arrow-fail" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#b91c1c"/></marker>
</defs>
`

// newLayoutWith lays g out, step boxes one line taller when they show a
// status.
func newLayoutWith(g *Graph, opts SVGOptions) *layout {
	lo := &layout{steps: map[*Node]*item{}, decisions: map[*Node]*item{}, routes: map[[2]*item][]*item{},
		exits: map[*Scope]*item{}, opts: opts}
	lo.root = lo.scope(g, g.Root)
	return lo
}

// palette is how a step of a status is drawn.
type palette struct{ fill, stroke, text string }

func stepPalette(status string, withStatus bool) palette {
	switch status {
	case "SUCCEEDED":
		return palette{"#dcfce7", "#15803d", "#14532d"}
	case "FAILED", "TIMED_OUT", "ABORTED":
		return palette{"#fee2e2", "#b91c1c", "#7f1d1d"}
	case "RUNNING":
		return palette{"#dbeafe", "#1d4ed8", "#1e3a8a"}
	}
	if withStatus {
		return palette{"#f8fafc", "#94a3b8", "#475569"}
	}
	return palette{"#ffffff", "#475569", "#0f172a"}
}

func drawStep(b *strings.Builder, it *item, opts SVGOptions) {
	status, ok := opts.Status[it.node.Name]
	p := stepPalette(status, opts.Status != nil)
	class := "step"
	if opts.Status != nil {
		if !ok {
			status = "NOT RUN"
		}
		class += " st-" + strings.ToLower(strings.ReplaceAll(status, " ", "-"))
	}
	href := ""
	if opts.Href != nil {
		href = opts.Href(it.node.Name)
	}
	if href != "" {
		b.WriteString(`<a href="` + xmlText(href) + `">`)
	}
	b.WriteString(`<g class="` + class + `" data-step="` + xmlText(it.node.Name) + `"><title>` + xmlText(stepTitle(it, status)) + "</title>\n")
	width := "1.5"
	if status == "FAILED" || status == "RUNNING" {
		width = "2.5"
	}
	b.WriteString(`<rect x="` + num(it.ax) + `" y="` + num(it.ay) + `" width="` + num(it.w) + `" height="` + num(it.h) +
		`" rx="8" fill="` + p.fill + `" stroke="` + p.stroke + `" stroke-width="` + width + `"/>` + "\n")
	y := it.ay + stepPadY
	for _, l := range it.lines {
		y += l.size
		colour, weight := p.text, ""
		if l.muted {
			colour = "#475569"
		}
		if l.bold {
			weight = ` font-weight="600"`
		}
		if l.status {
			colour = p.stroke
		}
		b.WriteString(`<text x="` + num(it.ax+it.w/2) + `" y="` + num(y) + `" text-anchor="middle" font-size="` + num(l.size) +
			`" fill="` + colour + `"` + weight + ">" + xmlText(l.text) + "</text>\n")
		y += 4
	}
	b.WriteString("</g>")
	if href != "" {
		b.WriteString("</a>")
	}
	b.WriteString("\n")
}

func stepTitle(it *item, status string) string {
	parts := make([]string, 0, len(it.lines))
	for _, l := range it.lines {
		if !l.status {
			parts = append(parts, l.text)
		}
	}
	t := strings.Join(parts, "\n")
	if status != "" {
		t += "\nstatus: " + status
	}
	return t
}

func drawDecision(b *strings.Builder, it *item) {
	cx, cy := it.ax+it.w/2, it.ay+it.h/2
	b.WriteString(`<g class="decision"><title>` + xmlText("switch on "+it.node.Switch.On) + "</title>\n")
	b.WriteString(`<polygon points="` + num(cx) + "," + num(it.ay) + " " + num(it.ax+it.w) + "," + num(cy) + " " +
		num(cx) + "," + num(it.ay+it.h) + " " + num(it.ax) + "," + num(cy) + `" fill="#ede9fe" stroke="#6d28d9" stroke-width="1.5"/>` + "\n")
	b.WriteString(`<text x="` + num(cx) + `" y="` + num(cy+3.5) + `" text-anchor="middle" font-size="10" fill="#4c1d95">` +
		xmlText(it.node.Switch.On) + "</text>\n</g>\n")
}

func drawMarker(b *strings.Builder, it *item, start bool) {
	cx, cy := num(it.ax+it.w/2), num(it.ay+it.h/2)
	if start {
		b.WriteString(`<g class="start"><title>start</title><circle cx="` + cx + `" cy="` + cy + `" r="10" fill="#334155"/></g>` + "\n")
		return
	}
	b.WriteString(`<g class="end"><title>end</title><circle cx="` + cx + `" cy="` + cy + `" r="11" fill="#ffffff" stroke="#334155" stroke-width="2"/>` +
		`<circle cx="` + cx + `" cy="` + cy + `" r="6.5" fill="#334155"/></g>` + "\n")
}

func drawBox(b *strings.Builder, it *item) {
	x, y, w, h := num(it.ax), num(it.ay), num(it.w), num(it.h)
	if it.scope.Kind == ScopeBody {
		b.WriteString(`<g class="foreach"><title>` + xmlText(scopeLabel(it.scope)) + "</title>\n")
		for _, off := range []float64{6, 3} {
			b.WriteString(`<rect x="` + num(it.ax+off) + `" y="` + num(it.ay+off) + `" width="` + w + `" height="` + h +
				`" rx="10" fill="#f1f5f9" stroke="#64748b" stroke-width="1"/>` + "\n")
		}
		b.WriteString(`<rect x="` + x + `" y="` + y + `" width="` + w + `" height="` + h + `" rx="10" fill="#f8fafc" stroke="#334155" stroke-width="1.5"/>` + "\n")
	} else {
		b.WriteString(`<g class="branch"><title>` + xmlText(scopeLabel(it.scope)) + "</title>\n")
		b.WriteString(`<rect x="` + x + `" y="` + y + `" width="` + w + `" height="` + h +
			`" rx="10" fill="#fafafa" stroke="#64748b" stroke-width="1.2" stroke-dasharray="5 4"/>` + "\n")
	}
	b.WriteString("</g>\n")
}

// drawBoxTitle writes a box's title over the arrows that enter it, on
// a halo of the box's colour.
func drawBoxTitle(b *strings.Builder, it *item) {
	b.WriteString(`<text class="box-title" x="` + num(it.ax+10) + `" y="` + num(it.ay+15) + `" font-size="11" fill="#334155" font-weight="600"` +
		` stroke="#f8fafc" stroke-width="4" stroke-linejoin="round" paint-order="stroke">` + xmlText(boxTitleText(it.scope)) + "</text>\n")
}

// boxTitleText is what a box says at its top: "for each parameters.x
// (up to 4 at once)" or "branch text".
func boxTitleText(s *Scope) string {
	if s.Kind != ScopeBody {
		return "branch " + s.Start.Name
	}
	f := s.Owner.Foreach
	t := "for each " + f.Over
	if f.Mode == "distributed" {
		t += ", distributed"
	}
	if f.Concurrency > 0 {
		t += ", " + num(float64(f.Concurrency)) + " at once"
	}
	return t
}
