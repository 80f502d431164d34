package reconcile_test

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice"
)

// leavingBackend deletes as memBackend does and reports that it left
// something Sluice does not own.
type leavingBackend struct{ *memBackend }

func (l leavingBackend) Delete(ctx context.Context, t sluice.Target, o sluice.Observation) error {
	if err := l.memBackend.Delete(ctx, t, o); err != nil {
		return err
	}
	return &sluice.LeftBehind{What: "revision 3 of " + t.Name + " is not Sluice's"}
}

// TestDeleteThatLeavesSomethingIsDone: a Delete that returns
// sluice.LeftBehind is a done deletion, forgotten, with the note in its
// result, and what depends on it is not held back.
func TestDeleteThatLeavesSomethingIsDone(t *testing.T) {
	w := newWorld()
	w.applier.Backends[sluice.TypeJobDefinition] = leavingBackend{w.backend}
	w.cycle(t, repo(), true)
	results := w.cycle(t, repo()[:3], true)
	seen := 0
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Change.ID, r.Err)
		}
		if r.Change.ID == "JobDefinition/x.a" {
			seen++
			if r.Note != "left in place: revision 3 of p-dev-x-a is not Sluice's" {
				t.Errorf("note %q", r.Note)
			}
		}
	}
	if seen != 1 {
		t.Fatalf("results %+v hold no deletion of JobDefinition/x.a", results)
	}
	if len(w.store.open) != 0 {
		t.Errorf("journal still holds %v", w.store.open)
	}
	for _, a := range w.store.applied() {
		if a.ID == "JobDefinition/x.a" {
			t.Error("the deleted job definition is still in the inventory")
		}
	}
}
