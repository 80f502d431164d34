package main

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/reconcile/planview"
)

// changeNotes returns what the plan must say about a change besides its
// reason (planview.Notes).
func changeNotes(c reconcile.Change) []string { return planview.Notes(c) }

// planNotes returns the notes of every change that has some.
func planNotes(p reconcile.Plan) map[sluice.ResourceID][]string { return planview.PlanNotes(p) }
