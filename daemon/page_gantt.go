package daemon

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
)

// Geometry of the timeline, in SVG user units.
const (
	ganttLabelW = 210.0
	ganttChartW = 560.0
	ganttRowH   = 24.0
	ganttAxisH  = 26.0
	ganttPad    = 10.0
	ganttTicks  = 5
)

// gantt draws a run's timeline as SVG: a row per attempt of a step (a
// foreach copy or a retry is a row of its own) in the order they
// started, its bar from start to end (to now while it runs) coloured
// by status, with a time axis from the run's start. An attempt reused
// from an origin run ran nothing: its row says "reused from RUN",
// linked to what origin returns for the origin's ID ("" for no link),
// instead of a bar. "" for a run with no steps yet.
func gantt(run Run, now time.Time, origin func(id string) string) string {
	if len(run.Steps) == 0 {
		return ""
	}
	t0, t1 := run.Started, run.Stopped
	if t1.IsZero() {
		t1 = now
	}
	for _, s := range run.Steps {
		if t0.IsZero() || s.Started.Before(t0) {
			t0 = s.Started
		}
		t1 = later(t1, s.Stopped)
	}
	span := max(t1.Sub(t0), time.Second)
	x := func(t time.Time) float64 { return ganttLabelW + ganttChartW*float64(t.Sub(t0))/float64(span) }
	w := ganttLabelW + ganttChartW + 2*ganttPad
	h := ganttAxisH + ganttRowH*float64(len(run.Steps)) + ganttPad
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ` + f1(w) + " " + f1(h) + `" width="` + f1(w) +
		`" height="` + f1(h) + `" role="img" aria-label="timeline of run ` + html.EscapeString(run.Name) +
		`" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif">` + "\n")
	b.WriteString("<title>Timeline of run " + html.EscapeString(run.Name) + "</title>\n")
	for i := 0; i <= ganttTicks; i++ {
		tx := ganttLabelW + ganttChartW*float64(i)/ganttTicks
		at := time.Duration(float64(span) * float64(i) / ganttTicks)
		b.WriteString(`<line x1="` + f1(tx) + `" y1="` + f1(ganttAxisH-6) + `" x2="` + f1(tx) + `" y2="` + f1(h-ganttPad) +
			`" stroke="#e2e8f0"/><text x="` + f1(tx) + `" y="14" text-anchor="middle" font-size="11" fill="#475569">` +
			tickText(at) + "</text>\n")
	}
	for i, s := range run.Steps {
		if s.OriginRun != "" {
			ganttReused(&b, i, s, origin)
			continue
		}
		ganttRow(&b, i, s, x, now)
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func ganttRow(b *strings.Builder, i int, s sluice.StepRun, x func(time.Time) float64, now time.Time) {
	y := ganttAxisH + ganttRowH*float64(i)
	end := s.Stopped
	if end.IsZero() {
		end = now
	}
	x0, x1 := x(s.Started), x(end)
	fill := map[string]string{"ok": "#16a34a", "bad": "#dc2626", "run": "#2563eb"}[runClass(s.Status)]
	if fill == "" {
		fill = "#94a3b8"
	}
	label := stepLabel(s)
	title := label + ": " + s.Status + ", " + duration(s.Started, s.Stopped, now)
	if s.Error != "" {
		title += ", " + s.Error
	}
	if i%2 == 1 {
		b.WriteString(`<rect x="0" y="` + f1(y) + `" width="` + f1(ganttLabelW+ganttChartW+2*ganttPad) + `" height="` + f1(ganttRowH) + `" fill="#f8fafc"/>`)
	}
	b.WriteString(`<g class="bar ` + runClass(s.Status) + `"><title>` + html.EscapeString(title) + "</title>")
	b.WriteString(`<text x="` + f1(ganttLabelW-8) + `" y="` + f1(y+16) + `" text-anchor="end" font-size="12" fill="#0f172a">` +
		html.EscapeString(clipText(label, 30)) + "</text>")
	b.WriteString(`<rect x="` + f1(x0) + `" y="` + f1(y+5) + `" width="` + f1(max(x1-x0, 2)) + `" height="` + f1(ganttRowH-10) +
		`" rx="3" fill="` + fill + `"/></g>` + "\n")
}

// ganttReused draws the row of an attempt reused from an origin run:
// its label and "reused from RUN" where its bar would be, a link to the
// origin run's page when link gives one.
func ganttReused(b *strings.Builder, i int, s sluice.StepRun, link func(string) string) {
	y := ganttAxisH + ganttRowH*float64(i)
	name := nameOf(s.OriginRun)
	if i%2 == 1 {
		b.WriteString(`<rect x="0" y="` + f1(y) + `" width="` + f1(ganttLabelW+ganttChartW+2*ganttPad) + `" height="` + f1(ganttRowH) + `" fill="#f8fafc"/>`)
	}
	b.WriteString(`<g class="bar reused"><title>` + html.EscapeString(stepLabel(s)+": reused attempt "+strconv.Itoa(s.OriginAttempt)+" of run "+name) + "</title>")
	b.WriteString(`<text x="` + f1(ganttLabelW-8) + `" y="` + f1(y+16) + `" text-anchor="end" font-size="12" fill="#0f172a">` +
		html.EscapeString(clipText(stepLabel(s), 30)) + "</text>")
	text := `<text x="` + f1(ganttLabelW) + `" y="` + f1(y+16) + `" font-size="12" fill="#475569" font-style="italic">reused from ` +
		html.EscapeString(clipText(name, 60)) + "</text>"
	if href := originLink(link, s.OriginRun); href != "" {
		text = `<a href="` + html.EscapeString(href) + `">` + text + "</a>"
	}
	b.WriteString(text + "</g>\n")
}

// originLink is link's answer for id, "" without a link.
func originLink(link func(string) string, id string) string {
	if link == nil {
		return ""
	}
	return link(id)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// tickText labels a tick of the axis: "0 s", "1 min 30 s", "2 h 5 min".
func tickText(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return strconv.FormatFloat(float64(d.Round(100*time.Millisecond))/float64(time.Second), 'f', -1, 64) + " s"
	case d < time.Minute:
		return strconv.Itoa(int(d.Round(time.Second).Seconds())) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " min " + strconv.Itoa(int(d.Seconds())%60) + " s"
	}
	return strconv.Itoa(int(d.Hours())) + " h " + strconv.Itoa(int(d.Minutes())%60) + " min"
}

func f1(v float64) string { return strconv.FormatFloat(float64(int64(v*10+0.5))/10, 'f', -1, 64) }

// clipText shortens s to n runes with an ellipsis.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
