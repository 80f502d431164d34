package rollout_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
)

// readBackend answers reads from a map of names that exist, counting
// them; fail makes every read fail.
type readBackend struct {
	mu      sync.Mutex
	exists  map[string]bool
	singles int
	bulks   [][]string
	fail    error
}

func (b *readBackend) Observe(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.singles++
	return sluice.Observation{Exists: b.exists[t.Name], Status: "single"}, b.fail
}

func (b *readBackend) Create(context.Context, sluice.Target) (sluice.Observation, error) {
	return sluice.Observation{}, errors.New("read only")
}

func (b *readBackend) Update(context.Context, sluice.Target, sluice.Observation) (sluice.Observation, error) {
	return sluice.Observation{}, errors.New("read only")
}

func (b *readBackend) Delete(context.Context, sluice.Target, sluice.Observation) error {
	return errors.New("read only")
}

// bulkBackend is a readBackend that also reads in bulk.
type bulkBackend struct{ *readBackend }

func (b bulkBackend) ObserveAll(_ context.Context, ts []sluice.Target) ([]sluice.Observation, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var names []string
	out := make([]sluice.Observation, len(ts))
	for i, t := range ts {
		names = append(names, t.Name)
		out[i] = sluice.Observation{Exists: b.exists[t.Name], Status: "bulk"}
	}
	b.bulks = append(b.bulks, names)
	return out, b.fail
}

func applied(typ sluice.ResourceType, names ...string) []reconcile.Applied {
	var out []reconcile.Applied
	for _, n := range names {
		out = append(out, reconcile.Applied{ID: sluice.ResourceID(fmt.Sprintf("%s/%s", typ, n)), Type: typ, Name: n, Spec: json.RawMessage(`{}`)})
	}
	return out
}

// TestObserve reads a bulk backend's resources in one call, the others
// one by one, keeps each observation with its resource, and skips
// records without a spec.
func TestObserve(t *testing.T) {
	jobs := bulkBackend{&readBackend{exists: map[string]bool{"a": true, "c": true}}}
	machines := &readBackend{exists: map[string]bool{"m1": true}}
	backends := map[sluice.ResourceType]reconcile.Backend{sluice.TypeJobDefinition: jobs, sluice.TypeStateMachine: machines}
	inv := append(applied(sluice.TypeJobDefinition, "a", "b", "c"), applied(sluice.TypeStateMachine, "m1", "m2")...)
	inv = append(inv, reconcile.Applied{ID: "StateMachine/rebuilt", Type: sluice.TypeStateMachine, Name: "rebuilt"})

	got, err := rollout.Observe(context.Background(), backends, inv)
	if err != nil {
		t.Fatal(err)
	}
	want := map[sluice.ResourceID]sluice.Observation{
		"JobDefinition/a": {Exists: true, Status: "bulk"}, "JobDefinition/b": {Status: "bulk"}, "JobDefinition/c": {Exists: true, Status: "bulk"},
		"StateMachine/m1": {Exists: true, Status: "single"}, "StateMachine/m2": {Status: "single"},
	}
	if len(got) != len(want) {
		t.Errorf("observed %d resources, want %d: %v", len(got), len(want), got)
	}
	for id, w := range want {
		if g := got[id]; g.Exists != w.Exists || g.Status != w.Status {
			t.Errorf("%s: %+v, want %+v", id, g, w)
		}
	}
	if len(jobs.bulks) != 1 || len(jobs.bulks[0]) != 3 || jobs.singles != 0 {
		t.Errorf("job definitions read in %v bulk calls and %d single reads, want one bulk read of 3", jobs.bulks, jobs.singles)
	}
	if machines.singles != 2 {
		t.Errorf("state machines read %d times, want 2 (the record without a spec is not read)", machines.singles)
	}
}

// TestObserveFails: a failed read of any type fails the whole read.
func TestObserveFails(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		r := &readBackend{exists: map[string]bool{}, fail: sluice.Transient(errors.New("throttled"))}
		var b reconcile.Backend = r
		if bulk {
			b = bulkBackend{r}
		}
		ok := &readBackend{exists: map[string]bool{}}
		backends := map[sluice.ResourceType]reconcile.Backend{sluice.TypeJobDefinition: b, sluice.TypeStateMachine: ok}
		inv := append(applied(sluice.TypeJobDefinition, "a"), applied(sluice.TypeStateMachine, "m")...)
		if got, err := rollout.Observe(context.Background(), backends, inv); err == nil || got != nil {
			t.Errorf("bulk=%v: Observe = %v, %v; want the read's error and nothing", bulk, got, err)
		}
	}
}
