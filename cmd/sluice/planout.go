package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// maxMarkdown keeps a plan comment under GitHub's 65,536-character limit
// for a pull-request comment, with room for the summary.
const maxMarkdown = 60000

// planSummary is one line: what the plan creates, updates, replaces,
// deletes, retains and holds.
func planSummary(p reconcile.Plan) string {
	c := p.Counts()
	return fmt.Sprintf("%d to create, %d to update, %d to replace, %d to delete, %d retained, %d held, %d unchanged",
		c[reconcile.ActionCreate], c[reconcile.ActionUpdate], c[reconcile.ActionReplace], c[reconcile.ActionDelete],
		c[reconcile.ActionRetain], c[reconcile.ActionHold], p.Unchanged)
}

func symbol(a reconcile.Action) string {
	switch a {
	case reconcile.ActionCreate:
		return "+"
	case reconcile.ActionUpdate:
		return "~"
	case reconcile.ActionReplace:
		return "-/+"
	case reconcile.ActionDelete:
		return "-"
	default:
		return "="
	}
}

func writePlanText(w io.Writer, env string, p reconcile.Plan) error {
	if _, err := fmt.Fprintf(w, "Plan for %s: %s\n", env, planSummary(p)); err != nil {
		return err
	}
	for _, c := range p.Changes {
		reason := strings.ReplaceAll(c.Reason, "\n", " ")
		if _, err := fmt.Fprintf(w, "  %-3s %-8s %s (%s)\n", symbol(c.Action), c.Action, c.ID, reason); err != nil {
			return err
		}
		for _, n := range changeNotes(c) {
			if _, err := fmt.Fprintf(w, "               note: %s\n", n); err != nil {
				return err
			}
		}
	}
	return nil
}

func writePlanJSON(w io.Writer, env string, p reconcile.Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Environment string         `json:"environment"`
		Summary     string         `json:"summary"`
		Empty       bool           `json:"empty"`
		Plan        reconcile.Plan `json:"plan"`
		// Notes holds, by resource, what changes leave as it is on purpose.
		Notes map[sluice.ResourceID][]string `json:"notes,omitempty"`
	}{env, planSummary(p), p.Empty(), p, planNotes(p)})
}

// writePlanMarkdown writes a plan fit for a pull-request comment: the
// summary first, then the changes as a table inside a collapsed block,
// cut (and saying so) before the comment would be too long.
func writePlanMarkdown(w io.Writer, env string, p reconcile.Plan) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### Sluice plan for `%s`\n\n**%s**\n\n", env, planSummary(p))
	if len(p.Changes) == 0 {
		b.WriteString("No changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	b.WriteString("<details><summary>Changes</summary>\n\n| | action | resource | why |\n|---|---|---|---|\n")
	for i, c := range p.Changes {
		why := c.Reason
		for _, n := range changeNotes(c) {
			why += "; note: " + n
		}
		row := fmt.Sprintf("| `%s` | %s | `%s` | %s |\n", symbol(c.Action), c.Action, c.ID, escapeCell(why))
		if b.Len()+len(row) > maxMarkdown {
			fmt.Fprintf(&b, "\n…and %d more changes, not shown: run `sluice plan --env %s` for all of them.\n", len(p.Changes)-i, env)
			break
		}
		b.WriteString(row)
	}
	b.WriteString("\n</details>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
