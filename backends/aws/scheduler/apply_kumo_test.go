package scheduler_test

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"
	awsscheduler "github.com/aws/aws-sdk-go-v2/service/scheduler"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/scheduler"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/reconcile"
)

// memStore is an in-memory reconcile.Store.
type memStore struct {
	mu      sync.Mutex
	seq     uint64
	applied map[sluice.ResourceID]reconcile.Applied
}

func (m *memStore) BeginOp(reconcile.Change) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seq++
	return m.seq, nil
}

func (m *memStore) EndOp(uint64) error { return nil }

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

// TestApplyTwiceKumo applies the compiled state machines and schedules
// of a project, then plans again from what the backends observe: nothing
// may look changed, and observing makes no mutating call. Pruning then
// deletes them all.
func TestApplyTwiceKumo(t *testing.T) {
	srv := kumotest.Start(t)
	var c awsapi.Counter
	cfg := srv.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
	awsapi.Instrument(&cfg, &c, nil)
	backends := map[sluice.ResourceType]reconcile.Backend{
		sluice.TypeStateMachine: sfn.New(awssfn.NewFromConfig(cfg), sfn.Options{Region: kumotest.Region, Account: "000000000000", Validate: true}),
		sluice.TypeSchedule:     scheduler.New(awsscheduler.NewFromConfig(cfg)),
	}
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	vars := map[string]string{
		"${target.stepFunctionsRoleArn}": "arn:aws:iam::000000000000:role/states",
		"${target.schedulerRoleArn}":     "arn:aws:iam::000000000000:role/scheduler",
	}
	applier := &reconcile.Applier{Backends: backends, Store: store, Vars: vars, Project: "churn", Env: "dev"}
	desired := compiled(t)

	apply(t, applier, reconcile.ComputePlan(reconcile.PlanInput{Desired: desired}), 4)

	c.Reset()
	observed := observeAll(t, backends, desired, store, vars)
	if n := c.Mutations(); n != 0 {
		t.Errorf("observing made %d mutating calls", n)
	}
	for id, obs := range observed {
		if !obs.Exists || len(obs.Spec) == 0 || !obs.Owned("churn", "dev", id) {
			t.Fatalf("%s observed as %+v, want it existing, owned, with its spec", id, obs)
		}
	}
	again := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: store.list(), Observed: observed})
	if !again.Empty() || again.Unchanged != len(desired) {
		t.Fatalf("second plan = %+v, want nothing to do", again)
	}

	apply(t, applier, reconcile.ComputePlan(reconcile.PlanInput{Applied: store.list(), AllowPrune: true, AllowEmpty: true}), 4)
	for id, obs := range observeAll(t, backends, desired, &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}, vars) {
		if obs.Exists {
			t.Errorf("%s still exists after pruning", id)
		}
	}
}

// compiled returns the state machines and schedules of a compiled
// project (the compiler's golden output).
func compiled(t *testing.T) []sluice.Resource {
	t.Helper()
	raw, err := os.ReadFile("../../../compile/testdata/schedule.dev.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var all, out []sluice.Resource
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if r.Type == sluice.TypeStateMachine || r.Type == sluice.TypeSchedule {
			out = append(out, r)
		}
	}
	return out
}

// apply applies p and fails unless every one of its want changes succeeded.
func apply(t *testing.T, a *reconcile.Applier, p reconcile.Plan, want int) {
	t.Helper()
	results, err := a.Apply(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != want {
		t.Fatalf("%d changes applied, want %d", len(results), want)
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("%s %s: %v", r.Change.Action, r.Change.ID, r.Err)
		}
	}
}

// observeAll observes every desired resource as the daemon would: spec
// resolved, recorded ARN set.
func observeAll(t *testing.T, backends map[sluice.ResourceType]reconcile.Backend, desired []sluice.Resource,
	store *memStore, vars map[string]string,
) map[sluice.ResourceID]sluice.Observation {
	t.Helper()
	values := map[string]string{}
	for k, v := range vars {
		values[k] = v
	}
	for _, a := range store.list() {
		values["${"+string(a.ID)+".arn}"] = a.ARN
	}
	out := map[sluice.ResourceID]sluice.Observation{}
	for _, r := range desired {
		tgt := sluice.Target{Resource: r, ARN: store.applied[r.ID].ARN}
		spec, err := reconcile.Resolve(r.Spec, values)
		if err != nil {
			// Not applied (after pruning): its ARN placeholder stays.
			spec = nil
		}
		tgt.Spec = spec
		obs, err := backends[r.Type].Observe(context.Background(), tgt)
		if err != nil {
			t.Fatal(err)
		}
		out[r.ID] = obs
	}
	return out
}
