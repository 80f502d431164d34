package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/reconcile/planview"
)

// maxMarkdown keeps a plan comment under GitHub's 65,536-character limit
// for a pull-request comment, with room for the summary.
const maxMarkdown = 60000

// planSummary is one line: what the plan creates, updates, replaces,
// deletes, retains and holds.
func planSummary(p reconcile.Plan) string { return planview.Summary(p) }

func symbol(a reconcile.Action) string { return planview.Symbol(a) }

// writePlanText writes the summary, then every change with its reason
// and, under it, each field that differs: "path: old → new".
func writePlanText(w io.Writer, env string, p reconcile.Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan for %s: %s\n", env, planSummary(p))
	for _, c := range p.Changes {
		reason := strings.ReplaceAll(c.Reason, "\n", " ")
		fmt.Fprintf(&b, "  %-3s %-8s %s (%s)\n", symbol(c.Action), c.Action, c.ID, reason)
		for _, f := range c.Fields {
			fmt.Fprintf(&b, "        %s: %s → %s%s\n", f.Path, fieldValue(f.Old), fieldValue(f.New), driftMark(f))
		}
		for _, n := range changeNotes(c) {
			fmt.Fprintf(&b, "        note: %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writePlanJSON writes the plan whole: every change with its fields and
// their values uncut (secrets redacted).
func writePlanJSON(w io.Writer, env string, p reconcile.Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(planDocument(env, p))
}

// planDocument is the plan as -o json and -o yaml print it.
func planDocument(env string, p reconcile.Plan) any {
	return struct {
		Environment string         `json:"environment"`
		Summary     string         `json:"summary"`
		Empty       bool           `json:"empty"`
		Plan        reconcile.Plan `json:"plan"`
		// Notes holds, by resource, what changes leave as it is on purpose.
		Notes map[sluice.ResourceID][]string `json:"notes,omitempty"`
	}{env, planSummary(p), p.Empty(), p, planNotes(p)}
}

// writePlanTerminal writes the text plan, its actions coloured on a
// colour terminal.
func writePlanTerminal(g *globalOptions, env string, p reconcile.Plan) error {
	var b strings.Builder
	if err := writePlanText(&b, env, p); err != nil {
		return err
	}
	_, err := io.WriteString(g.stdout, g.terminal().colorPlanLines(b.String()))
	return err
}

// fieldValue is a field's value as text and markdown show it: its JSON,
// cut at maxValue runes, or "(not set)".
func fieldValue(v json.RawMessage) string { return planview.FieldValue(v) }

// markdownSection is one part of a markdown plan: its changes, in the
// order a reviewer reads them.
type markdownSection struct {
	title   string
	changes []reconcile.Change
	// cut: the section may be shortened to fit a comment.
	cut bool
}

// sections splits a plan's changes for review as planview.Sections does.
func sections(p reconcile.Plan) []markdownSection {
	var out []markdownSection
	for _, s := range planview.Sections(p) {
		out = append(out, markdownSection{title: s.Title, changes: s.Changes, cut: s.Cut})
	}
	return out
}

// writePlanMarkdown writes a plan fit for a pull-request comment: the
// summary first, then deletions and replacements (never cut), updates
// with a table of their fields, what is retained or held, and creations.
// When the comment would pass maxMarkdown, creations are cut first, then
// retained and held, then updates, each cut saying how many it left out
// and rest, the command that prints the whole plan.
func writePlanMarkdown(w io.Writer, env string, p reconcile.Plan, rest string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Sluice plan for `%s`\n\n**%s**\n", env, planSummary(p))
	if len(p.Changes) == 0 {
		b.WriteString("\nNo changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	secs := sections(p)
	// Room kept for the sections after each one that may be cut, so
	// that a long section cannot crowd out a later one's notice.
	const notice = 400
	for i, s := range secs {
		if len(s.changes) == 0 {
			continue
		}
		if !strings.HasSuffix(b.String(), "\n\n") {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "#### %s (%d)\n\n", s.title, len(s.changes))
		budget := maxMarkdown - notice*(len(secs)-i)
		for j, c := range s.changes {
			block := markdownChange(c)
			if s.cut && b.Len()+len(block) > budget {
				fmt.Fprintf(&b, "\n…and %d more %s not shown: `%s` prints them all.\n", len(s.changes)-j, strings.ToLower(s.title), rest)
				break
			}
			b.WriteString(block)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// markdownChange is one change as a list item, with a table of its
// fields under it.
func markdownChange(c reconcile.Change) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- `%s` **%s** `%s`: %s\n", symbol(c.Action), c.Action, c.ID, escapeCell(c.Reason))
	for _, n := range changeNotes(c) {
		fmt.Fprintf(&b, "  - note: %s\n", escapeCell(n))
	}
	if len(c.Fields) == 0 {
		return b.String()
	}
	b.WriteString("\n  | field | now | planned |\n  |---|---|---|\n")
	for _, f := range c.Fields {
		fmt.Fprintf(&b, "  | %s%s | %s | %s |\n", code(f.Path), driftMark(f), code(fieldValue(f.Old)), code(fieldValue(f.New)))
	}
	b.WriteString("\n")
	return b.String()
}

// driftMark marks a field that drifted outside Sluice in a change that
// the documents make too (reconcile.FieldDiff.Drift).
func driftMark(f reconcile.FieldDiff) string {
	if f.Drift {
		return " (drifted)"
	}
	return ""
}

// codeEscaper escapes what would end inline HTML code or a table cell.
func codeEscaper() *strings.Replacer {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "&#124;")
}

// code is s as inline code that a table cell cannot break.
func code(s string) string {
	return "<code>" + codeEscaper().Replace(s) + "</code>"
}

func escapeCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
