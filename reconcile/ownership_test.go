package reconcile_test

import (
	"context"
	"slices"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// checkingBackend is a memBackend whose Create checks the name itself
// (memBackend's Create refuses a taken name) for job definitions.
type checkingBackend struct{ *memBackend }

func (checkingBackend) CreateChecksOwnership(t sluice.ResourceType) bool {
	return t == sluice.TypeJobDefinition
}

// TestCreateWithoutReadingFirst checks that a resource new to the
// inventory is created without a read first when its backend's Create
// checks the name, and read first otherwise; and that a name taken by a
// foreign resource is still refused.
func TestCreateWithoutReadingFirst(t *testing.T) {
	w := newWorld()
	cb := checkingBackend{w.backend}
	for typ := range w.applier.Backends {
		w.applier.Backends[typ] = cb
	}
	for _, r := range w.cycle(t, repo(), true) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
	calls := w.backend.callsOf("p-dev-x-a")
	if i := slices.Index(calls, "create"); i < 0 || slices.Contains(calls[:i], "observe") {
		t.Errorf("job definition calls %v: want a create with no read before it", calls)
	}
	if calls := w.backend.callsOf("p-dev-x"); len(calls) < 2 || calls[0] != "observe" {
		t.Errorf("state machine calls %v: want a read before the create", calls)
	}

	// A job definition whose name a foreign resource holds is refused.
	foreign := newWorld()
	fb := checkingBackend{foreign.backend}
	for typ := range foreign.applier.Backends {
		foreign.applier.Backends[typ] = fb
	}
	_, _ = foreign.backend.Create(context.Background(), sluice.Target{Resource: sluice.Resource{Name: "p-dev-x-a"}})
	for _, r := range foreign.cycle(t, repo(), true) {
		if r.Change.ID == "JobDefinition/x.a" {
			if decision, _ := sluice.RetryOf(r.Err); r.Err == nil || decision != sluice.RetryStalled {
				t.Errorf("a job definition whose name is taken: %v, want a stalled refusal", r.Err)
			}
		}
	}
}

var _ reconcile.OwnershipChecker = checkingBackend{}
