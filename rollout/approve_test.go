package rollout_test

import (
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
)

// TestPlanHash checks that the hash of a plan changes with anything that
// changes what applying it does, and only then.
func TestPlanHash(t *testing.T) {
	base := func() reconcile.Plan {
		return reconcile.Plan{Changes: []reconcile.Change{
			{ID: "StateMachine/a", Action: reconcile.ActionUpdate, Reason: "changed in the documents",
				Desired: &sluice.Resource{Hash: "d1"}, Applied: &reconcile.Applied{SpecHash: "a1"}},
			{ID: "JobQueue/q", Action: reconcile.ActionDelete, Reason: "gone", Applied: &reconcile.Applied{SpecHash: "a2"}},
		}, Unchanged: 3}
	}
	want := rollout.PlanHash("rev", base())
	if got := rollout.PlanHash("rev", base()); got != want {
		t.Fatalf("the same plan hashes to %s and %s", got, want)
	}
	tests := []struct {
		name     string
		revision string
		change   func(p *reconcile.Plan)
	}{
		{"another revision", "rev2", func(*reconcile.Plan) {}},
		{"another action", "rev", func(p *reconcile.Plan) { p.Changes[1].Action = reconcile.ActionHold }},
		{"drift", "rev", func(p *reconcile.Plan) { p.Changes[0].Drift = true }},
		{"another desired spec", "rev", func(p *reconcile.Plan) { p.Changes[0].Desired = &sluice.Resource{Hash: "d2"} }},
		{"another applied spec", "rev", func(p *reconcile.Plan) { p.Changes[1].Applied = &reconcile.Applied{SpecHash: "a3"} }},
		{"one more change", "rev", func(p *reconcile.Plan) {
			p.Changes = append(p.Changes, reconcile.Change{ID: "Bucket/b", Action: reconcile.ActionCreate})
		}},
		{"another order", "rev", func(p *reconcile.Plan) { p.Changes[0], p.Changes[1] = p.Changes[1], p.Changes[0] }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.change(&p)
			if rollout.PlanHash(tc.revision, p) == want {
				t.Errorf("the hash did not change")
			}
		})
	}
}
