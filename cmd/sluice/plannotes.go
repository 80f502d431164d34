package main

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// changeNotes returns what the plan must say about a change besides its
// reason: for an update or replacement, each field its document no
// longer sets that Sluice leaves as it is in AWS (see sluice.Note).
func changeNotes(c reconcile.Change) []string {
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

// planNotes returns the notes of every change that has some.
func planNotes(p reconcile.Plan) map[sluice.ResourceID][]string {
	out := map[sluice.ResourceID][]string{}
	for _, c := range p.Changes {
		if notes := changeNotes(c); len(notes) > 0 {
			out[c.ID] = notes
		}
	}
	return out
}
