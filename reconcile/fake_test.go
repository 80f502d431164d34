package reconcile_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// memBackend is an in-process backend: a map of resources by physical
// name, recording every call. It stands in for AWS in the engine's unit
// tests; the AWS backends have their own tests against kumo and fakes.
type memBackend struct {
	mu      sync.Mutex
	objects map[string]sluice.Observation
	calls   []string
	// fail makes calls about a physical name fail with the error.
	fail map[string]error
	// replace makes updates of a physical name need a replacement.
	replace map[string]bool
}

func newMemBackend() *memBackend {
	return &memBackend{objects: map[string]sluice.Observation{}, fail: map[string]error{}, replace: map[string]bool{}}
}

func (m *memBackend) record(op string, t sluice.Target) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, op+" "+t.Name)
	return m.fail[t.Name]
}

func (m *memBackend) Observe(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	if err := m.record("observe", t); err != nil {
		return sluice.Observation{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.objects[t.Name], nil
}

func (m *memBackend) Create(_ context.Context, t sluice.Target) (sluice.Observation, error) {
	if err := m.record("create", t); err != nil {
		return sluice.Observation{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, taken := m.objects[t.Name]; taken {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("%s exists", t.Name))
	}
	o := sluice.Observation{Exists: true, ARN: "arn:mem:" + t.Name, Tags: t.Tags, Spec: t.Spec}
	m.objects[t.Name] = o
	return o, nil
}

func (m *memBackend) Update(_ context.Context, t sluice.Target, _ sluice.Observation) (sluice.Observation, error) {
	if err := m.record("update", t); err != nil {
		return sluice.Observation{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.replace[t.Name] {
		return sluice.Observation{}, reconcile.ErrReplace
	}
	o := m.objects[t.Name]
	o.Spec, o.Tags = t.Spec, t.Tags
	m.objects[t.Name] = o
	return o, nil
}

func (m *memBackend) Delete(_ context.Context, t sluice.Target, _ sluice.Observation) error {
	if err := m.record("delete", t); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, t.Name)
	return nil
}

// mutations returns the calls that change something, in order.
func (m *memBackend) mutations() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, c := range m.calls {
		if c[:7] != "observe" {
			out = append(out, c)
		}
	}
	return out
}

// memStore is an in-memory state store with a journal.
type memStore struct {
	mu        sync.Mutex
	inventory map[sluice.ResourceID]reconcile.Applied
	open      map[uint64]reconcile.Change
	seq       uint64
	// saves logs, in order, the IDs saved.
	saves []sluice.ResourceID
}

func newMemStore() *memStore {
	return &memStore{inventory: map[sluice.ResourceID]reconcile.Applied{}, open: map[uint64]reconcile.Change{}}
}

func (s *memStore) BeginOp(c reconcile.Change) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.open[s.seq] = c
	return s.seq, nil
}

func (s *memStore) EndOp(seq uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.open[seq]; !ok {
		return errors.New("no such op")
	}
	delete(s.open, seq)
	return nil
}

func (s *memStore) Save(a reconcile.Applied) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inventory[a.ID] = a
	s.saves = append(s.saves, a.ID)
	return nil
}

func (s *memStore) Forget(id sluice.ResourceID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inventory, id)
	return nil
}

func (s *memStore) applied() []reconcile.Applied {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]reconcile.Applied, 0, len(s.inventory))
	for _, a := range s.inventory {
		out = append(out, a)
	}
	return out
}

// owned builds a desired resource carrying the ownership tags of
// project p, environment dev.
func owned(id, name, hash string, deps ...string) sluice.Resource {
	r := res(id, hash, "Pipeline/x")
	r.Name = name
	r.Spec = json.RawMessage(fmt.Sprintf(`{"name":%q,"hash":%q}`, name, hash))
	r.Tags = map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "p",
		sluice.TagEnvironment: "dev", sluice.TagResource: id}
	for _, d := range deps {
		r.DependsOn = append(r.DependsOn, sluice.ResourceID(d))
	}
	return r
}

// callsOf returns the operations called about one physical name, in
// order.
func (m *memBackend) callsOf(name string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, c := range m.calls {
		if op, n, _ := strings.Cut(c, " "); n == name {
			out = append(out, op)
		}
	}
	return out
}
