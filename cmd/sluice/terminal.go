package main

import (
	"io"
	"os"
	"strings"

	"github.com/muesli/termenv"
	"golang.org/x/term"
)

// terminal is what the CLI knows of where its output goes: whether it
// is a terminal, its colour profile (termenv: plain under NO_COLOR,
// TERM=dumb, CI or a pipe) and its width (golang.org/x/term).
type terminal struct {
	out   *termenv.Output
	color bool
	width int
	tty   bool
}

// newTerminal inspects w; anything but a terminal is plain, unbounded.
func newTerminal(w io.Writer) *terminal {
	out := termenv.NewOutput(w)
	t := &terminal{out: out}
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return t
	}
	t.tty = true
	t.color = out.EnvColorProfile() != termenv.Ascii
	if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
		t.width = width
	}
	return t
}

// isTerminal reports whether the output is a terminal.
func (t *terminal) isTerminal() bool { return t.tty }

// Colours by meaning (ANSI numbers, which every colour terminal has).
const (
	colorGood   = "2"
	colorChange = "3"
	colorBad    = "1"
	colorInfo   = "6"
)

// paint is s in colour c on a colour terminal, s as it is otherwise.
func (t *terminal) paint(s, c string) string {
	if !t.color {
		return s
	}
	return t.out.String(s).Foreground(t.out.Color(c)).String()
}

// bold is s in bold on a colour terminal.
func (t *terminal) bold(s string) string {
	if !t.color {
		return s
	}
	return t.out.String(s).Bold().String()
}

// mark is the symbol on a colour terminal, the word otherwise: "✓" or
// "ok", "✗" or "FAIL" (a script reading piped output keeps its words).
func (t *terminal) mark(symbol, word, c string) string {
	if !t.color {
		return word
	}
	return t.paint(symbol, c)
}

// fit cuts each line of text to the terminal's width, ending a cut line
// with "…"; off a terminal text is unchanged. Tables put their free-form
// column (a message) last, so that is what a cut shortens.
func (t *terminal) fit(text string) string {
	if t.width <= 0 {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		body := strings.TrimSuffix(l, "\n")
		r := []rune(body)
		if len(r) > t.width {
			lines[i] = string(r[:t.width-1]) + "…" + l[len(body):]
		}
	}
	return strings.Join(lines, "")
}

// fitLine cuts one line to the terminal's width less one column (a live
// line must not wrap, or rewriting it in place leaves its head behind).
func (t *terminal) fitLine(s string) string {
	if t.width <= 1 {
		return s
	}
	if r := []rune(s); len(r) > t.width-1 {
		return string(r[:t.width-2]) + "…"
	}
	return s
}

// colorPlanLines colours each change line of a text plan by its action
// symbol (creations green, updates yellow, deletions and replacements
// red).
func (t *terminal) colorPlanLines(text string) string {
	if !t.color {
		return text
	}
	lines := strings.SplitAfter(text, "\n")
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		if len(trimmed) == len(l) || strings.HasPrefix(l, "        ") {
			if strings.HasPrefix(l, "Plan for ") {
				lines[i] = t.bold(strings.TrimSuffix(l, "\n")) + "\n"
			}
			continue
		}
		c := ""
		switch {
		case strings.HasPrefix(trimmed, "-/+"), strings.HasPrefix(trimmed, "- "), strings.HasPrefix(trimmed, "! "):
			c = colorBad
		case strings.HasPrefix(trimmed, "+ "):
			c = colorGood
		case strings.HasPrefix(trimmed, "~ "):
			c = colorChange
		}
		if c != "" {
			lines[i] = t.paint(strings.TrimSuffix(l, "\n"), c) + l[len(strings.TrimSuffix(l, "\n")):]
		}
	}
	return strings.Join(lines, "")
}
