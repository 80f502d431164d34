package reconcile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// bulkBackend is a memBackend that also reads in bulk, reporting a field
// the service fills in (as AWS fills defaults) so that a baseline read
// back differs from the applied spec.
type bulkBackend struct {
	*memBackend
	bulkCalls [][]string
	fail      error
	// read, when set, is told of each bulk read as it starts.
	read func()
}

func (b *bulkBackend) ObserveAll(ctx context.Context, ts []sluice.Target) ([]sluice.Observation, error) {
	if b.read != nil {
		b.read()
	}
	var names []string
	out := make([]sluice.Observation, len(ts))
	for i, t := range ts {
		names = append(names, t.Name)
		b.mu.Lock()
		o := b.objects[t.Name]
		b.mu.Unlock()
		if o.Exists {
			o.Spec = filled(o.Spec)
		}
		out[i] = o
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bulkCalls = append(b.bulkCalls, names)
	return out, b.fail
}

// filled adds the field the service fills in to spec.
func filled(spec json.RawMessage) json.RawMessage {
	m := map[string]any{}
	_ = json.Unmarshal(spec, &m)
	m["filledByService"] = true
	out, _ := json.Marshal(m)
	return out
}

func bulkWorld(fail error) (*world, *bulkBackend) {
	w := newWorld()
	b := &bulkBackend{memBackend: w.backend, fail: fail}
	for typ := range w.applier.Backends {
		w.applier.Backends[typ] = b
	}
	return w, b
}

// TestBaselinesReadInBulk: resources of a backend that reads in bulk are
// read back once, together, after the apply, and their baselines are
// what the service reported; none is read back one by one.
func TestBaselinesReadInBulk(t *testing.T) {
	w, b := bulkWorld(nil)
	for _, r := range w.cycle(t, repo(), true) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
	if len(b.bulkCalls) != 1 || len(b.bulkCalls[0]) != len(repo()) {
		t.Fatalf("bulk reads %v, want one of all %d resources", b.bulkCalls, len(repo()))
	}
	observes := 0
	for _, c := range w.backend.calls {
		if strings.HasPrefix(c, "observe ") {
			observes++
		}
	}
	if observes != len(repo()) {
		t.Errorf("%d single reads, want %d (one before each create, none after): %v", observes, len(repo()), w.backend.calls)
	}
	for _, a := range w.store.applied() {
		if !strings.Contains(string(a.Observed), "filledByService") {
			t.Errorf("%s: baseline %s, want the spec the service reported", a.ID, a.Observed)
		}
	}
}

// TestBaselinesFailedBulkRead: a failed bulk read leaves the applied
// spec as the baseline and fails no change.
func TestBaselinesFailedBulkRead(t *testing.T) {
	w, _ := bulkWorld(sluice.Transient(context.DeadlineExceeded))
	for _, r := range w.cycle(t, repo(), true) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
	for _, a := range w.store.applied() {
		if len(a.Observed) != 0 || len(a.Spec) == 0 {
			t.Errorf("%s: baseline %s after a failed read, want none (the applied spec %s stands)", a.ID, a.Observed, a.Spec)
		}
	}
}

var _ reconcile.BulkObserver = (*bulkBackend)(nil)

// partBackend is a bulkBackend worth reading part targets at a time.
type partBackend struct {
	*bulkBackend
	part int
}

func (p partBackend) BulkPart(sluice.ResourceType) int { return p.part }

// TestBaselinesReadInParts: a bulk observer worth reading in parts is
// read a part at a time as its resources are applied, every resource
// once; the baselines are what the service reported.
func TestBaselinesReadInParts(t *testing.T) {
	w, b := bulkWorld(nil)
	for typ := range w.applier.Backends {
		w.applier.Backends[typ] = partBackend{b, 2}
	}
	var desired []sluice.Resource
	for i := range 5 {
		desired = append(desired, owned(fmt.Sprintf("StateMachine/m%d", i), fmt.Sprintf("p-dev-m%d", i), "1"))
	}
	for _, r := range w.cycle(t, desired, true) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
	read := map[string]int{}
	for _, call := range b.bulkCalls {
		if len(call) > 2 {
			t.Errorf("a bulk read of %v, want parts of at most 2", call)
		}
		for _, name := range call {
			read[name]++
		}
	}
	if len(b.bulkCalls) != 3 || len(read) != len(desired) {
		t.Errorf("bulk reads %v, want 3 (2, 2 and 1) of the %d state machines", b.bulkCalls, len(desired))
	}
	for name, n := range read {
		if n != 1 {
			t.Errorf("%s read back %d times, want once", name, n)
		}
	}
	for _, a := range w.store.applied() {
		if !strings.Contains(string(a.Observed), "filledByService") {
			t.Errorf("%s: baseline %s, want the spec the service reported", a.ID, a.Observed)
		}
	}
}

// readGatedBackend holds each Create until gate is closed.
type readGatedBackend struct {
	*bulkBackend
	gate chan struct{}
}

func (g readGatedBackend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return sluice.Observation{}, ctx.Err()
	}
	return g.bulkBackend.Create(ctx, t)
}

// TestBaselinesReadWhenBackendDone: the resources of a bulk observer
// whose changes have all ended are read back while the apply goes on
// with another backend's: a state machine's creation, held until the job
// definitions' bulk read starts, completes.
func TestBaselinesReadWhenBackendDone(t *testing.T) {
	w := newWorld()
	started := make(chan struct{})
	var once sync.Once
	jobs := &bulkBackend{memBackend: w.backend, read: func() { once.Do(func() { close(started) }) }}
	machines := readGatedBackend{&bulkBackend{memBackend: w.backend}, started}
	for typ := range w.applier.Backends {
		w.applier.Backends[typ] = jobs
	}
	w.applier.Backends[sluice.TypeStateMachine] = machines
	desired := []sluice.Resource{
		owned("JobDefinition/x.a", "p-dev-x-a", "1"),
		owned("JobDefinition/x.b", "p-dev-x-b", "1"),
		owned("StateMachine/x", "p-dev-x", "1", "JobDefinition/x.a", "JobDefinition/x.b"),
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired})
	results, err := w.applier.Apply(ctx, p)
	if err != nil {
		t.Fatalf("apply: %v (the state machine waited for a read of the job definitions that never came)", err)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
	if len(jobs.bulkCalls) != 1 || len(jobs.bulkCalls[0]) != 2 || len(machines.bulkCalls) != 1 {
		t.Errorf("bulk reads: job definitions %v, state machines %v; want one of each backend's resources", jobs.bulkCalls, machines.bulkCalls)
	}
}
