package daemon

import (
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// luminance is the relative luminance of an sRGB colour "#rrggbb"
// (WCAG 2.x).
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if len(hex) != 6 || err != nil {
		t.Fatalf("colour %q is not #rrggbb", hex)
	}
	channel := func(c uint64) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*channel(v>>16&0xff) + 0.7152*channel(v>>8&0xff) + 0.0722*channel(v&0xff)
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func TestContrastRatio(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#ffffff", "#ffffff", 1}, {"#777777", "#ffffff", 4.48}} {
		if got := contrast(t, tt.a, tt.b); math.Abs(got-tt.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, want %.2f", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestStyleContrast reads the style sheet: every badge's text on its
// background, and the other text colours on the backgrounds they are
// drawn on, reach 4.5:1 (WCAG AA for normal text); the focus ring
// reaches 3:1 on every background it may be drawn on, and every kind of
// focusable element the pages have gets it.
func TestStyleContrast(t *testing.T) {
	b, err := os.ReadFile("ui/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(b)
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{3,6})`).FindAllStringSubmatch(css, -1) {
		vars[m[1]] = m[2]
	}
	resolve := func(v string) string {
		if m := regexp.MustCompile(`^var\(--([a-z-]+)\)$`).FindStringSubmatch(v); m != nil {
			return vars[m[1]]
		}
		return v
	}
	badges := regexp.MustCompile(`\.badge\.([a-z]+)\s*\{\s*color:\s*([^;]+);\s*background:\s*([^;]+);`).FindAllStringSubmatch(css, -1)
	if len(badges) < 5 {
		t.Fatalf("found %d badge rules in the style sheet, want ok, bad, warn, run, idle", len(badges))
	}
	type pair struct{ what, fg, bg string }
	var pairs []pair
	for _, m := range badges {
		pairs = append(pairs, pair{"badge " + m[1], resolve(m[2]), resolve(m[3])})
	}
	for _, state := range []string{"ok", "bad", "warn"} {
		// The flash and notices draw body text on the state's pale
		// background; reasons and findings draw the state's colour on a card.
		pairs = append(pairs, pair{"text on " + state + "-bg", vars["fg"], vars[state+"-bg"]},
			pair{state + " text on a card", vars[state], vars["card"]})
	}
	pairs = append(pairs, pair{"muted on a card", vars["muted"], vars["card"]}, pair{"muted on the page", vars["muted"], vars["bg"]},
		pair{"links on a card", vars["link"], vars["card"]}, pair{"a primary button", "#ffffff", "#1d4ed8"},
		pair{"the header", "#e2e8f0", "#0f172a"})
	if m := regexp.MustCompile(`\.live \{[^}]*color:\s*(#[0-9a-f]+)`).FindStringSubmatch(css); m != nil {
		pairs = append(pairs, pair{"the live status in the header", m[1], "#0f172a"})
	} else {
		t.Error("no colour for the live status in the header")
	}
	for _, p := range pairs {
		if p.fg == "" || p.bg == "" {
			t.Errorf("%s: colour not found in the style sheet", p.what)
			continue
		}
		if r := contrast(t, p.fg, p.bg); r < 4.5 {
			t.Errorf("%s: %s on %s has contrast %.2f:1, want at least 4.5:1", p.what, p.fg, p.bg, r)
		}
	}
	focus := vars["focus"]
	for _, bg := range []string{vars["card"], vars["bg"], "#0f172a", vars["ok-bg"], vars["bad-bg"], vars["warn-bg"]} {
		if r := contrast(t, focus, bg); r < 3 {
			t.Errorf("the focus ring %s on %s has contrast %.2f:1, want at least 3:1", focus, bg, r)
		}
	}
	rule := regexp.MustCompile(`([^{}]*:focus-visible[^{}]*)\{[^}]*outline:\s*3px solid var\(--focus\)`).FindStringSubmatch(css)
	if rule == nil {
		t.Fatal("no :focus-visible rule with the focus ring")
	}
	for _, sel := range []string{"a", "button", "input", "summary", "select", "textarea", "[tabindex]"} {
		if !strings.Contains(rule[1], sel+":focus-visible") {
			t.Errorf("%s gets no visible focus ring (the rule is for %s)", sel, strings.TrimSpace(rule[1]))
		}
	}
	if !regexp.MustCompile(`\.skip:focus\s*\{[^}]*left:\s*\.5rem`).MatchString(css) {
		t.Error("the skip link does not come into view when focused")
	}
}
