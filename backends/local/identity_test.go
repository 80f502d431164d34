package local_test

import (
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestObserveFollowsRecordedIdentity checks the reconcile.Backend
// contract: Observe reads the resource by its recorded ARN when the
// target has one, so a resource whose physical name the documents now
// give differently (the project renamed) is still found where Sluice
// made it, and a record of the target's name with another identity is
// not taken for it.
func TestObserveFollowsRecordedIdentity(t *testing.T) {
	cases := []struct {
		typ  sluice.ResourceType
		spec string
	}{
		{sluice.TypeComputeEnvironment, ceSpec},
		{sluice.TypeJobQueue, jqSpec},
		{sluice.TypeStateMachine, smSpec},
		{sluice.TypeSchedule, schedSpec},
		{sluice.TypeBucket, bucketSpec},
		{sluice.TypeJobDefinition, jobDefSpec([]string{"python", "fit.py"}, "1", nil)},
	}
	for _, c := range cases {
		t.Run(string(c.typ), func(t *testing.T) {
			w := mustWorld(t, local.Options{})
			if c.typ == sluice.TypeJobQueue {
				mustCreate(t, backend(t, w, sluice.TypeComputeEnvironment), target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
			}
			b := backend(t, w, c.typ)
			old := mustCreate(t, b, target(c.typ, "x", "churn-dev-x", c.spec))

			renamed := target(c.typ, "x", "attrition-dev-x", c.spec)
			if obs := mustObserve(t, b, renamed); obs.Exists {
				t.Fatalf("by name, the renamed resource exists before it is created: %+v", obs)
			}
			renamed.ARN = old.ARN
			obs := mustObserve(t, b, renamed)
			if !obs.Exists || obs.ARN != old.ARN || obs.Tags[sluice.TagProject] != projectName {
				t.Errorf("by its recorded ARN: %+v, want the resource created as churn-dev-x (%s)", obs, old.ARN)
			}

			if c.typ == sluice.TypeBucket || c.typ == sluice.TypeJobDefinition {
				return // their identity is their name (a job definition's: any revision of it)
			}
			other := mustCreate(t, b, target(c.typ, "y", "churn-dev-y", c.spec))
			stale := target(c.typ, "y", "churn-dev-y", c.spec)
			stale.ARN = other.ARN + "-gone"
			if obs := mustObserve(t, b, stale); obs.Exists && obs.ARN == other.ARN {
				t.Errorf("a record with another identity is taken for the recorded one: %+v", obs)
			}
		})
	}
}

// TestEveryTypeHasALocalBackend fails when a resource type the registry
// says the local backend manages has no backend in the World.
func TestEveryTypeHasALocalBackend(t *testing.T) {
	w := mustWorld(t, local.Options{})
	if err := reconcile.CheckBackends(w.Backends(), true); err != nil {
		t.Error(err)
	}
	for typ, b := range w.Backends() {
		if _, ok := b.(reconcile.Adopter); !ok {
			t.Errorf("the local %s backend cannot adopt", typ)
		}
	}
}
