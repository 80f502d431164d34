package reconcile_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

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
}

func (b *bulkBackend) ObserveAll(ctx context.Context, ts []sluice.Target) ([]sluice.Observation, error) {
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
