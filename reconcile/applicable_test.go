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
