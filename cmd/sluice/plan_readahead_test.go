package main

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

// echoBackend observes every target as existing with its spec (the
// state machine named drifted with another), counting reads; failName
// fails that target's read.
type echoBackend struct {
	mu       sync.Mutex
	reads    map[sluice.ResourceID]int
	failName string
}

func (b *echoBackend) Observe(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.reads[t.ID]++
	if t.Name == b.failName {
		return sluice.Observation{}, sluice.Transient(errors.New("throttled"))
	}
	spec := t.Spec
	if t.Name == "drifted" {
		spec = json.RawMessage(`{"v":2}`)
	}
	return sluice.Observation{Exists: true, Spec: spec}, nil
}

func (b *echoBackend) Create(context.Context, sluice.Target) (sluice.Observation, error) {
	return sluice.Observation{}, errors.New("read only")
}

func (b *echoBackend) Update(context.Context, sluice.Target, sluice.Observation) (sluice.Observation, error) {
	return sluice.Observation{}, errors.New("read only")
}

func (b *echoBackend) Delete(context.Context, sluice.Target, sluice.Observation) error {
	return errors.New("read only")
}

// TestReadBack: the state machines read first and the rest together
// are exactly what rollout.Observe reads of the whole inventory, each
// once (a state machine whose ID is not "StateMachine/..." included, a
// record without a spec left out), and the plan made from them is the
// plan made from the inventory and rollout.Observe's answer. It says
// once that the state machines' reads started. A failed read, early or
// late, returns nothing.
func TestReadBack(t *testing.T) {
	store, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	spec := json.RawMessage(`{"v":1}`)
	recs := []statestore.Record{
		{ID: "StateMachine/a", Type: sluice.TypeStateMachine, Name: "a", Spec: spec, SpecHash: "h"},
		{ID: "StateMachine/drifted", Type: sluice.TypeStateMachine, Name: "drifted", Spec: spec, SpecHash: "h"},
		{ID: "Legacy/sm", Type: sluice.TypeStateMachine, Name: "legacy", Spec: spec, SpecHash: "h"},
		{ID: "StateMachine/no-spec", Type: sluice.TypeStateMachine, Name: "no-spec", SpecHash: "h"},
		{ID: "JobDefinition/j", Type: sluice.TypeJobDefinition, Name: "j", Spec: spec, SpecHash: "h"},
		{ID: "JobQueue/q", Type: sluice.TypeJobQueue, Name: "q", Spec: spec, SpecHash: "h"},
	}
	statestoretest.PutResources(t, store, "dev", recs...)
	for _, failName := range []string{"", "a", "legacy", "j"} {
		t.Run("fail="+failName, func(t *testing.T) {
			b := &echoBackend{reads: map[sluice.ResourceID]int{}, failName: failName}
			target := &rollout.Target{Backends: map[sluice.ResourceType]reconcile.Backend{
				sluice.TypeStateMachine: b, sluice.TypeJobDefinition: b, sluice.TypeJobQueue: b}}
			connect := func(context.Context) (*rollout.Target, error) { return target, nil }
			started := 0
			applied, observed, err := readBack(context.Background(), store, "dev", connect, func() { started++ })
			if started != 1 {
				t.Errorf("told %d times that the state machines' reads started, want once", started)
			}
			if failName != "" {
				if err == nil || observed != nil || applied != nil {
					t.Errorf("a failed read: %d records, %d observations, err %v; want nothing and the error", len(applied), len(observed), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for id, n := range b.reads {
				ids = append(ids, string(id))
				if n != 1 {
					t.Errorf("%s read %d times, want once", id, n)
				}
			}
			sort.Strings(ids)
			if want := []string{"JobDefinition/j", "JobQueue/q", "Legacy/sm", "StateMachine/a", "StateMachine/drifted"}; !reflect.DeepEqual(ids, want) {
				t.Errorf("read %v, want %v", ids, want)
			}
			inv, err := rollout.Inventory(store, "dev")
			if err != nil {
				t.Fatal(err)
			}
			all, err := rollout.Observe(context.Background(), target.Backends, inv)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(observed, all) {
				t.Errorf("observed %v, want what Observe reads: %v", observed, all)
			}
			var desired []sluice.Resource
			for _, r := range recs {
				desired = append(desired, sluice.Resource{ID: r.ID, Type: r.Type, Name: r.Name, Spec: spec, Hash: "h"})
			}
			got := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: applied, Observed: observed})
			want := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: inv, Observed: all})
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) || len(got.Changes) != 1 || got.Changes[0].ID != "StateMachine/drifted" {
				t.Errorf("plan from the reads ahead:\n%s\nwant (one drifted state machine):\n%s", g, w)
			}
		})
	}
}
