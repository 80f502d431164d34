package reconcile_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// heldBackend holds the creation of one name until released is closed.
type heldBackend struct {
	*memBackend
	name     string
	released chan struct{}
}

func (h *heldBackend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	if t.Name == h.name {
		select {
		case <-h.released:
		case <-time.After(20 * time.Second):
			return sluice.Observation{}, errors.New("never released: the finished changes were not reported before the apply ended")
		}
	}
	return h.memBackend.Create(ctx, t)
}

// TestApplyReportsEachResult checks that OnResult hears of each change
// as it ends, while others still run (the held state machine is released
// only once the queue and the job definition have been reported), once
// per change, with the Result Apply returns, a dependency before what
// depends on it.
func TestApplyReportsEachResult(t *testing.T) {
	w := newWorld()
	h := &heldBackend{memBackend: w.backend, name: "p-dev-held", released: make(chan struct{})}
	for typ := range w.applier.Backends {
		w.applier.Backends[typ] = h
	}
	var told []reconcile.Result
	w.applier.OnResult = func(r reconcile.Result) {
		told = append(told, r)
		if len(told) == 3 { // the queue, the job definition, the state machine on the queue
			close(h.released)
		}
	}
	desired := []sluice.Resource{
		owned("JobQueue/q", "p-dev-q", "1"),
		owned("StateMachine/a", "p-dev-a", "1", "JobQueue/q"),
		owned("JobDefinition/x.a", "p-dev-x-a", "1"),
		owned("StateMachine/held", "p-dev-held", "1"),
	}
	results := w.cycle(t, desired, true)
	if len(told) != len(results) {
		t.Fatalf("told of %d results, Apply returned %d", len(told), len(results))
	}
	if last := told[len(told)-1].Change.ID; last != "StateMachine/held" {
		t.Errorf("last told of %s, want the held state machine", last)
	}
	order := make([]sluice.ResourceID, len(told))
	for i, r := range told {
		order[i] = r.Change.ID
		j := slices.IndexFunc(results, func(x reconcile.Result) bool { return x.Change.ID == r.Change.ID })
		if j < 0 || results[j].Err != nil || r.Err != nil || results[j].Note != r.Note {
			t.Errorf("told %+v, Apply returned %+v", r, results)
		}
	}
	if slices.Index(order, "JobQueue/q") > slices.Index(order, "StateMachine/a") {
		t.Errorf("told in order %v: the state machine before the queue it needs", order)
	}
}
