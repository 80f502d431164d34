package sfn_test

import (
	"context"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// memStore is an in-memory reconcile.Store.
type memStore struct {
	mu      sync.Mutex
	applied map[sluice.ResourceID]reconcile.Applied
}

func (m *memStore) BeginOp(reconcile.Change) (uint64, error) { return 1, nil }
func (m *memStore) EndOp(uint64) error                       { return nil }

func (m *memStore) Save(a reconcile.Applied) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.applied[a.ID] = a
	return nil
}

func (m *memStore) Forget(id sluice.ResourceID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.applied, id)
	return nil
}

func (m *memStore) list() []reconcile.Applied {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]reconcile.Applied, 0, len(m.applied))
	for _, a := range m.applied {
		out = append(out, a)
	}
	return out
}

// TestTypeChangeReplacesThroughDeleting changes a state machine's type:
// the applier deletes it, waits while it is DELETING, then creates the
// new one, over several cycles.
func TestTypeChangeReplacesThroughDeleting(t *testing.T) {
	b, _, _, srv := fake(t, true)
	srv.DeletingPolls = 3
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	applier := &reconcile.Applier{Backends: map[sluice.ResourceType]reconcile.Backend{sluice.TypeStateMachine: b},
		Store: store, Project: "churn", Env: "dev"}
	first := target("churn-dev-etl", passDef, nil)
	first.Hash = "h1"
	if res := cycle(t, applier, store, first.Resource); res[0] != -1 {
		t.Fatalf("first apply: decision %v", res)
	}
	oldARN := store.applied[first.ID].ARN

	express := withSpec(first, "type", "EXPRESS")
	express.Hash = "h2"
	var decisions []sluice.Retry
	for range 8 {
		d := cycle(t, applier, store, express.Resource)[0]
		decisions = append(decisions, d)
		if d == -1 {
			break
		}
		if d != sluice.RetryWaiting {
			t.Fatalf("decisions %v: want only waiting until done", decisions)
		}
	}
	if last := decisions[len(decisions)-1]; last != -1 || len(decisions) < 3 {
		t.Fatalf("decisions %v: want waiting through DELETING, then success", decisions)
	}
	got, err := b.Observe(context.Background(), express)
	if err != nil || !got.Exists || store.applied[first.ID].ARN != oldARN ||
		!reconcile.SameJSON(got.Spec, express.Spec) || store.applied[first.ID].SpecHash != "h2" {
		t.Fatalf("after replacement: %+v, %v; store %+v", got, err, store.applied[first.ID])
	}
}

// cycle plans desired against the store and applies it, returning each
// change's retry decision (-1 for success).
func cycle(t *testing.T, a *reconcile.Applier, store *memStore, desired ...sluice.Resource) []sluice.Retry {
	t.Helper()
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: store.list()})
	results, err := a.Apply(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]sluice.Retry, len(results))
	for i, r := range results {
		out[i] = decision(r.Err)
	}
	return out
}
