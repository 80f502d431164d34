package reconcile_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestNotApplicableOnLocal: on the local backend, the run events' queue
// and rule are listed as not applicable, with the registry's reason,
// rather than planned (and stalled for want of a backend); elsewhere
// they are created like any resource.
func TestNotApplicableOnLocal(t *testing.T) {
	desired := []sluice.Resource{
		{ID: "EventQueue/p", Type: sluice.TypeEventQueue, Name: "p-dev-runs", Hash: "1"},
		{ID: "EventRule/p", Type: sluice.TypeEventRule, Name: "p-dev-runs", Hash: "1"},
		{ID: "Bucket/b", Type: sluice.TypeBucket, Name: "p-dev-b", Hash: "1"},
	}
	for _, local := range []bool{true, false} {
		p := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Local: local})
		creates := map[sluice.ResourceID]bool{}
		for _, c := range p.Changes {
			creates[c.ID] = c.Action == reconcile.ActionCreate
		}
		if !creates["Bucket/b"] || creates["EventQueue/p"] == local || creates["EventRule/p"] == local {
			t.Errorf("local %v: creates %v", local, creates)
		}
		if local != (len(p.NotApplicable) == 2) {
			t.Errorf("local %v: not applicable %+v", local, p.NotApplicable)
		}
		for _, na := range p.NotApplicable {
			if !strings.Contains(na.Reason, "local backend") {
				t.Errorf("%s: reason %q does not say why", na.ID, na.Reason)
			}
		}
	}
}

// TestRunEventsHeldWithADocument: the run events' queue and rule, gone
// from the desired set because its only pipeline is invalid (or gone),
// are held while any document is held, and pruned once none is.
func TestRunEventsHeldWithADocument(t *testing.T) {
	applied := []reconcile.Applied{
		{ID: "EventQueue/p", Type: sluice.TypeEventQueue, Name: "p-dev-runs", Source: "Project/p", Deletion: sluice.DeletionDelete, SpecHash: "1"},
		{ID: "EventRule/p", Type: sluice.TypeEventRule, Name: "p-dev-runs", Source: "Project/p", Deletion: sluice.DeletionDelete, SpecHash: "1",
			DependsOn: []sluice.ResourceID{"EventQueue/p"}},
		{ID: "StateMachine/t", Type: sluice.TypeStateMachine, Name: "p-dev-t", Source: "Pipeline/t", Deletion: sluice.DeletionDelete, SpecHash: "1"},
	}
	desired := []sluice.Resource{{ID: "Bucket/b", Type: sluice.TypeBucket, Name: "p-dev-b", Hash: "1"}}
	for _, held := range []bool{true, false} {
		in := reconcile.PlanInput{Desired: desired, Applied: applied, AllowPrune: true}
		if held {
			in.Held = map[string]bool{"Pipeline/t": true}
		}
		p := reconcile.ComputePlan(in)
		for _, c := range p.Changes {
			if c.ID == "Bucket/b" {
				continue
			}
			want := reconcile.ActionDelete
			if held {
				want = reconcile.ActionHold
			}
			if c.Action != want {
				t.Errorf("held %v: %s %s (%s), want %s", held, c.ID, c.Action, c.Reason, want)
			}
		}
	}
}
