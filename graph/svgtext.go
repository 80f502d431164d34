package graph

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/dsl"
)

// textLine is one line of text inside a step's box.
type textLine struct {
	text string
	size float64
	bold bool
	// muted lines are drawn grey.
	muted bool
	// status is the line that says the step's run status.
	status bool
}

// Sizes of step boxes.
const (
	stepPadX    = 12.0
	stepPadY    = 8.0
	stepMinW    = 132.0
	maxLineRune = 38
)

// charWidth estimates the advance of one character of a sans-serif font
// at size px (bold a little wider); the server measures no font, so a
// box is sized from its longest line by this estimate.
func charWidth(size float64, bold bool) float64 {
	if bold {
		return size * 0.62
	}
	return size * 0.56
}

// stepItem is step n's box: its name, image and what it runs on (the
// pipeline's image, resources and compute when the step sets none).
func stepItem(g *Graph, n *Node, opts SVGOptions) *item {
	lines := []textLine{{text: clip(n.Name), size: 13, bold: true}}
	if img := stepImage(g, n); img != "" {
		lines = append(lines, textLine{text: shortImage(img), size: 11, muted: true})
	}
	if r := runsOn(g, n); r != "" {
		lines = append(lines, textLine{text: clip(r), size: 11, muted: true})
	}
	if opts.Status != nil {
		st, ok := opts.Status[n.Name]
		if !ok {
			st = "not run"
		}
		lines = append(lines, textLine{text: strings.ToLower(strings.ReplaceAll(st, "_", " ")), size: 11, bold: true, status: true})
	}
	w, h := stepMinW, 2*stepPadY
	for _, l := range lines {
		w = max(w, float64(utf8.RuneCountInString(l.text))*charWidth(l.size, l.bold)+2*stepPadX)
		h += l.size + 4
	}
	return &item{kind: itemStep, node: n, lines: lines, w: round1(w), h: h}
}

func stepImage(g *Graph, n *Node) string {
	if n.Step.Image != "" {
		return n.Step.Image
	}
	return g.defaults.image
}

// runsOn says what step n runs on: "2 vCPU · 4 GiB · 1 GPU · gpu-queue".
func runsOn(g *Graph, n *Node) string {
	r := n.Step.Resources
	if r == nil {
		r = g.defaults.resources
	}
	var parts []string
	if r != nil {
		if r.CPU > 0 {
			parts = append(parts, strconv.FormatFloat(r.CPU, 'f', -1, 64)+" vCPU")
		}
		if r.Memory > 0 {
			parts = append(parts, memoryText(r.Memory))
		}
		if r.GPU > 0 {
			parts = append(parts, strconv.Itoa(r.GPU)+" GPU")
		}
	}
	compute := n.Step.Compute
	if compute == "" {
		compute = g.defaults.compute
	}
	if compute != "" {
		parts = append(parts, compute)
	}
	return strings.Join(parts, " · ")
}

func memoryText(q dsl.Quantity) string {
	mib := q.MiB()
	if mib%1024 == 0 {
		return strconv.FormatInt(mib/1024, 10) + " GiB"
	}
	return strconv.FormatInt(mib, 10) + " MiB"
}

// clip shortens s to maxLineRune characters, ending it with an ellipsis
// when cut.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxLineRune {
		return s
	}
	r := []rune(s)
	return string(r[:maxLineRune-1]) + "…"
}

// num writes v with at most one decimal, the same way every time.
func num(v float64) string { return strconv.FormatFloat(round1(v), 'f', -1, 64) }

func round1(v float64) float64 {
	if v < 0 {
		return -float64(int64(-v*10+0.5)) / 10
	}
	return float64(int64(v*10+0.5)) / 10
}

// xmlEscaper escapes text for SVG text and attribute values; it is
// never changed.
var xmlEscaper = strings.NewReplacer( //nolint:gochecknoglobals // read-only, built once: escaping is on the picture's hot path
	"&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// xmlText escapes s for SVG text and attribute values.
func xmlText(s string) string { return xmlEscaper.Replace(s) }

// shortImage keeps what tells images apart, their repository's last
// part and tag: "…/churn-train:1.4" for a long registry address.
func shortImage(img string) string {
	if utf8.RuneCountInString(img) <= maxLineRune {
		return img
	}
	if i := strings.LastIndexByte(img, '/'); i >= 0 {
		img = "…/" + img[i+1:]
	}
	return clip(img)
}
