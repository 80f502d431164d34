package rollout_test

import (
	"context"
	"errors"
	"maps"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
)

// eachBackend is a readBackend that reads one by one and tells of each
// observation (reconcile.EachObserver); failAt fails the read of that
// index (-1: none).
type eachBackend struct {
	*readBackend
	failAt int
}

func (b eachBackend) ObserveAll(ctx context.Context, ts []sluice.Target) ([]sluice.Observation, error) {
	return b.ObserveEach(ctx, ts, func(int, sluice.Observation) {})
}

func (b eachBackend) ObserveEach(_ context.Context, ts []sluice.Target, each func(int, sluice.Observation)) ([]sluice.Observation, error) {
	out := make([]sluice.Observation, len(ts))
	for i, t := range ts {
		if i == b.failAt {
			return nil, sluice.Transient(errors.New("throttled"))
		}
		out[i] = sluice.Observation{Exists: b.exists[t.Name], Status: "each"}
		each(i, out[i])
	}
	return out, nil
}

// TestObserveEach: each is told of every observation Observe returns,
// once, from a backend that reads one by one as it reads, from the
// others once their type is read; a failed read fails the call, with
// nothing returned, whatever each was told.
func TestObserveEach(t *testing.T) {
	jobs := bulkBackend{&readBackend{exists: map[string]bool{"a": true}}}
	machines := eachBackend{&readBackend{exists: map[string]bool{"m1": true, "m3": true}}, -1}
	queues := &readBackend{exists: map[string]bool{"q": true}}
	backends := map[sluice.ResourceType]reconcile.Backend{sluice.TypeJobDefinition: jobs, sluice.TypeStateMachine: machines, sluice.TypeJobQueue: queues}
	inv := append(applied(sluice.TypeJobDefinition, "a", "b"), applied(sluice.TypeStateMachine, "m1", "m2", "m3")...)
	inv = append(inv, applied(sluice.TypeJobQueue, "q")...)
	inv = append(inv, reconcile.Applied{ID: "StateMachine/rebuilt", Type: sluice.TypeStateMachine, Name: "rebuilt"})

	var mu sync.Mutex
	told := map[sluice.ResourceID][]sluice.Observation{}
	tell := func(id sluice.ResourceID, obs sluice.Observation) {
		mu.Lock()
		defer mu.Unlock()
		told[id] = append(told[id], obs)
	}
	got, err := rollout.ObserveEach(context.Background(), backends, inv, tell)
	if err != nil {
		t.Fatal(err)
	}
	want, err := rollout.Observe(context.Background(), backends, inv)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.EqualFunc(got, want, func(a, b sluice.Observation) bool { return a.Exists == b.Exists && a.Status == b.Status }) || len(got) != 6 {
		t.Errorf("ObserveEach = %v, Observe = %v; want the same 6", got, want)
	}
	if len(told) != len(got) {
		t.Errorf("told of %d resources, want the %d observed", len(told), len(got))
	}
	for id, obs := range told {
		if len(obs) != 1 || obs[0].Exists != got[id].Exists || obs[0].Status != got[id].Status {
			t.Errorf("%s told %+v, want once %+v", id, obs, got[id])
		}
	}
	if s := told["StateMachine/m1"]; len(s) != 1 || s[0].Status != "each" {
		t.Errorf("state machine told %+v, want its observation read one by one", s)
	}

	machines.failAt = 2
	backends[sluice.TypeStateMachine] = machines
	clear(told)
	if got, err := rollout.ObserveEach(context.Background(), backends, inv, tell); err == nil || got != nil {
		t.Errorf("a read failing: ObserveEach = %v, %v; want the error and nothing", got, err)
	}
	if _, ok := told["StateMachine/m3"]; ok {
		t.Errorf("told of a state machine after the read that failed: %v", told)
	}
}
