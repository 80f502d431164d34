package local_test

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/reconcile"
)

// discoverer is what rebuilding an inventory asks of a backend.
type discoverer interface {
	Discover(ctx context.Context, project, env string) ([]sluice.Observation, error)
}

// TestDiscoverRebuildsInventory checks that the records Sluice owns for a
// project and environment, and only those, are found by their tags and
// rebuild the inventory a lost state file held.
func TestDiscoverRebuildsInventory(t *testing.T) {
	w := mustWorld(t, local.Options{})
	jd := target(sluice.TypeJobDefinition, "train.fit", "churn-dev-train_fit", jobDefSpec([]string{"true"}, "1", nil))
	gone := target(sluice.TypeJobDefinition, "old", "churn-dev-old", jobDefSpec([]string{"true"}, "1", nil))
	mine := []sluice.Target{
		target(sluice.TypeBucket, "artifacts", "churn-dev-artifacts", bucketSpec),
		target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec),
		target(sluice.TypeStateMachine, "train", "churn-dev-train", smSpec),
		jd, gone,
	}
	for _, tg := range mine {
		mustCreate(t, backend(t, w, tg.Type), tg)
	}
	if err := backend(t, w, sluice.TypeJobDefinition).Delete(t.Context(), gone, sluice.Observation{}); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, backend(t, w, sluice.TypeSchedule), target(sluice.TypeSchedule, "nightly", "other-dev-nightly", schedSpec, "other"))

	var found []sluice.Observation
	seen := map[reconcile.Backend]bool{}
	for _, b := range w.Backends() {
		if seen[b] {
			continue
		}
		seen[b] = true
		d, ok := b.(discoverer)
		if !ok {
			t.Fatalf("%T has no Discover", b)
		}
		got, err := d.Discover(t.Context(), projectName, env)
		if err != nil {
			t.Fatal(err)
		}
		found = append(found, got...)
	}
	applied, err := reconcile.Rebuild(found)
	if err != nil {
		t.Fatal(err)
	}
	want := map[sluice.ResourceID]string{
		"Bucket/artifacts": "churn-dev-artifacts", "ComputeEnvironment/cpu": "churn-dev-cpu", "StateMachine/train": "churn-dev-train",
		"JobDefinition/train.fit": "churn-dev-train_fit",
	}
	if len(applied) != len(want) {
		t.Fatalf("rebuilt %d resources, want %d: %+v", len(applied), len(want), applied)
	}
	for _, a := range applied {
		if want[a.ID] != a.Name {
			t.Errorf("rebuilt %s named %q, want %q", a.ID, a.Name, want[a.ID])
		}
	}
}
