// Package planview says a plan the way people read it: the one-line
// summary, the symbol of each action, the sections a reviewer reads in
// order, each field's value cut to a readable length and the notes a
// change carries. The CLI's text and markdown plans and the daemon's
// plan page share it, so they say the same thing.
package planview

import (
	"encoding/json"
	"fmt"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// MaxValue is the longest a field's value is shown in text, markdown
// and pages; JSON carries it whole.
const MaxValue = 200

// Summary is one line: what the plan creates, updates, replaces,
// deletes, retains and holds.
func Summary(p reconcile.Plan) string {
	c := p.Counts()
	s := fmt.Sprintf("%d to create, %d to update, %d to replace, %d to delete, %d retained, %d held, %d unchanged",
		c[reconcile.ActionCreate], c[reconcile.ActionUpdate], c[reconcile.ActionReplace], c[reconcile.ActionDelete],
		c[reconcile.ActionRetain], c[reconcile.ActionHold], p.Unchanged)
	if n := c[reconcile.ActionRefuse]; n > 0 {
		s += fmt.Sprintf(", %d refused (not owned)", n)
	}
	return s
}

// Symbol is the action's mark: + create, ~ update, -/+ replace,
// - delete, ! refused, = anything else.
func Symbol(a reconcile.Action) string {
	switch a {
	case reconcile.ActionCreate:
		return "+"
	case reconcile.ActionUpdate:
		return "~"
	case reconcile.ActionReplace:
		return "-/+"
	case reconcile.ActionDelete:
		return "-"
	case reconcile.ActionRefuse:
		return "!"
	default:
		return "="
	}
}

// FieldValue is a field's value as people read it: its JSON, cut at
// MaxValue runes, or "(not set)".
func FieldValue(v json.RawMessage) string {
	if v == nil {
		return "(not set)"
	}
	s := string(v)
	if r := []rune(s); len(r) > MaxValue {
		s = string(r[:MaxValue]) + "…"
	}
	return s
}

// Section is one part of a plan as reviewed: its changes, in the order
// a reviewer reads them.
type Section struct {
	Title   string
	Changes []reconcile.Change
	// Cut says the section may be shortened to fit a comment (everything
	// but deletions and replacements).
	Cut bool
}

// Sections splits a plan's changes for review: deletions and
// replacements first, then updates, then what is retained or held, then
// creations. Every section is returned, empty ones included.
func Sections(p reconcile.Plan) []Section {
	s := []Section{{Title: "Deletions and replacements"}, {Title: "Updates", Cut: true},
		{Title: "Retained and held", Cut: true}, {Title: "Creations", Cut: true}}
	for _, c := range p.Changes {
		i := SectionOf(c.Action)
		s[i].Changes = append(s[i].Changes, c)
	}
	return s
}

// SectionOf is the index in Sections of the section a change with
// action a belongs to.
func SectionOf(a reconcile.Action) int {
	switch a {
	case reconcile.ActionDelete, reconcile.ActionReplace:
		return 0
	case reconcile.ActionUpdate:
		return 1
	case reconcile.ActionRetain, reconcile.ActionHold:
		return 2
	}
	return 3
}

// Notes returns what the plan must say about a change besides its
// reason: for an update or replacement, each field its document no
// longer sets that Sluice leaves as it is in AWS (see sluice.Note). It
// needs the change's Desired and Applied, which a plan read back from
// JSON lacks.
func Notes(c reconcile.Change) []string {
	if c.Desired == nil || c.Applied == nil || (c.Action != reconcile.ActionUpdate && c.Action != reconcile.ActionReplace) {
		return nil
	}
	var out []string
	for _, n := range c.Desired.Notes {
		if n.Applies(c.Applied.Spec, c.Desired.Spec) {
			out = append(out, n.Text)
		}
	}
	return out
}

// PlanNotes returns the notes of every change that has some.
func PlanNotes(p reconcile.Plan) map[sluice.ResourceID][]string {
	out := map[sluice.ResourceID][]string{}
	for _, c := range p.Changes {
		if notes := Notes(c); len(notes) > 0 {
			out[c.ID] = notes
		}
	}
	return out
}
