package local_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/schema"
	"github.com/sluice-dev/sluice/templates"
)

// memStore is an in-memory reconcile.Store.
type memStore struct {
	mu      sync.Mutex
	seq     uint64
	applied map[sluice.ResourceID]reconcile.Applied
}

func (s *memStore) BeginOp(reconcile.Change) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq, nil
}

func (s *memStore) EndOp(uint64) error { return nil }

func (s *memStore) Save(a reconcile.Applied) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applied[a.ID] = a
	return nil
}

func (s *memStore) Forget(id sluice.ResourceID) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.applied, id)
	return nil
}

func (s *memStore) list() []reconcile.Applied {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]reconcile.Applied, 0, len(s.applied))
	for _, a := range s.applied {
		out = append(out, a)
	}
	return out
}

// compileTemplate scaffolds a template into a new directory and
// compiles it for env.
func compileTemplate(t *testing.T, name, env string) (string, []sluice.Resource) {
	t.Helper()
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	loader, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := templates.Scaffold(name, dir, "churn"); err != nil {
		t.Fatal(err)
	}
	snap, err := loader.Load(t.Context(), project.NewDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	res, diags := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Valid(env), Env: env, Revision: "0123456789abcdef0123456789abcdef01234567"})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return dir, localOnly(res)
}

// TestApplyTrainingTemplate drives the reconcile engine with the local
// backends over the compiled training template: everything applies but
// the MetadataStore, which stalls for want of a PostgreSQL server, and a
// second plan then has nothing left to do but that.
func TestApplyTrainingTemplate(t *testing.T) {
	_, desired := compileTemplate(t, "training", env)
	w := mustWorld(t, local.Options{})
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	applier := &reconcile.Applier{Backends: w.Backends(), Store: store, Vars: reconcile.Vars(w.Vars(), nil), Project: "churn", Env: env}
	results, err := applier.Apply(t.Context(), reconcile.ComputePlan(reconcile.PlanInput{Desired: desired}))
	if err != nil {
		t.Fatal(err)
	}
	types := map[sluice.ResourceType]bool{}
	for _, r := range results {
		types[r.Change.Desired.Type] = true
		if r.Change.Desired.Type == sluice.TypeDBInstance {
			if d, _ := sluice.RetryOf(r.Err); d != sluice.RetryStalled || !strings.Contains(r.Err.Error(), "metadata store unavailable") {
				t.Errorf("%s: %v, want stalled: metadata store unavailable", r.Change.ID, r.Err)
			}
			continue
		}
		if r.Err != nil {
			t.Errorf("%s: %v", r.Change.ID, r.Err)
		}
	}
	for _, typ := range []sluice.ResourceType{sluice.TypeBucket, sluice.TypeDBInstance, sluice.TypeComputeEnvironment, sluice.TypeJobQueue, sluice.TypeJobDefinition, sluice.TypeStateMachine} {
		if !types[typ] {
			t.Errorf("the training template compiled to no %s", typ)
		}
	}

	applied := store.list()
	observed := observeAll(t, w, desired, reconcile.Vars(w.Vars(), applied), applied)
	second := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: applied, Observed: observed})
	for _, c := range second.Changes {
		if c.Desired == nil || c.Desired.Type != sluice.TypeDBInstance {
			t.Errorf("second plan: %s %s (%s)", c.Action, c.ID, c.Reason)
		}
	}
	if second.Unchanged != len(desired)-1 {
		t.Errorf("second plan leaves %d of %d resources unchanged, want all but the MetadataStore", second.Unchanged, len(desired))
	}

	queue := firstOf(t, desired, sluice.TypeJobQueue)
	editRecord(t, w, queue, func(spec map[string]any) { spec["priority"] = 99 })
	observed = observeAll(t, w, desired, reconcile.Vars(w.Vars(), applied), applied)
	third := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: applied, Observed: observed})
	if !hasChange(third, queue.ID, reconcile.ActionUpdate) {
		t.Errorf("a queue edited outside Sluice is not planned for update: %+v", third.Changes)
	}
}

func firstOf(t *testing.T, res []sluice.Resource, typ sluice.ResourceType) sluice.Resource {
	t.Helper()
	for _, r := range res {
		if r.Type == typ {
			return r
		}
	}
	t.Fatalf("no %s", typ)
	return sluice.Resource{}
}

// editRecord changes a record's spec behind Sluice's back.
func editRecord(t *testing.T, w *local.World, r sluice.Resource, edit func(map[string]any)) {
	t.Helper()
	path := filepath.Join(w.Dir(), "records", string(r.Type), r.Name+".json")
	var rec map[string]any
	readJSON(t, path, &rec)
	edit(rec["spec"].(map[string]any))
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func hasChange(p reconcile.Plan, id sluice.ResourceID, action reconcile.Action) bool {
	for _, c := range p.Changes {
		if c.ID == id && c.Action == action {
			return true
		}
	}
	return false
}

// observeAll observes every desired resource through its backend.
func observeAll(t *testing.T, w *local.World, desired []sluice.Resource, vars map[string]string, applied []reconcile.Applied) map[sluice.ResourceID]sluice.Observation {
	t.Helper()
	arns := map[sluice.ResourceID]string{}
	for _, a := range applied {
		arns[a.ID] = a.ARN
	}
	out := map[sluice.ResourceID]sluice.Observation{}
	for _, r := range desired {
		spec, err := reconcile.Resolve(r.Spec, vars)
		if err != nil {
			t.Fatal(err)
		}
		r.Spec = spec
		out[r.ID] = mustObserve(t, backend(t, w, r.Type), sluice.Target{Resource: r, ARN: arns[r.ID]})
	}
	return out
}
