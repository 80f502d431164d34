package local_test

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/backends/local/asl"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestTemplatesRunEndToEnd deploys a scaffolded template on the local
// backend, runs its state machine in the ASL interpreter with the World
// running its jobs, and checks the artifacts the steps wrote, each
// reading what the previous one wrote. Batch prediction exercises every
// part the World plays: jobs, a step's outputs read back (getObject), a
// distributed foreach's items (ReadItems) and results (WriteResults).
// Its step programs take seconds each, so one template runs here; the
// templates' own tests run every template's programs.
func TestTemplatesRunEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found: the templates' step programs need it")
	}
	tests := []struct {
		template, env string
		params        string
		want          []string
	}{
		// In prod its foreach is distributed.
		{"batch-prediction", "prod", `{"rows": 600, "shardSize": 300}`, []string{"run-1/merge/summary.json", "run-1/shard/shards.json", "map-results/shard/*/manifest.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			dir, desired := compileTemplate(t, tt.template, tt.env)
			w := mustWorld(t, local.Options{Workdir: dir})
			deploy(t, w, tt.env, desired)
			sm := firstOf(t, desired, sluice.TypeStateMachine)
			def, err := w.StateMachine(sm.Name)
			if err != nil {
				t.Fatal(err)
			}
			m, err := asl.Parse(def.Definition)
			if err != nil {
				t.Fatal(err)
			}
			input := json.RawMessage(`{"parameters": ` + tt.params + `}`)
			if _, _, err := m.Execute(t.Context(), "run-1", input, asl.Options{Runner: w, Resources: w}); err != nil {
				t.Fatalf("execution failed: %v", err)
			}
			bucket := firstOf(t, desired, sluice.TypeBucket).Name
			for _, key := range tt.want {
				found, err := filepath.Glob(filepath.Join(w.BucketDir(bucket), tt.template, key))
				if err != nil || len(found) != 1 {
					t.Errorf("artifact %s: found %v (%v), want one", key, found, err)
				}
			}
		})
	}
}

// deploy applies desired to w's backends, failing the test on any error
// but the MetadataStore's (no PostgreSQL server here).
func deploy(t *testing.T, w *local.World, env string, desired []sluice.Resource) {
	t.Helper()
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	applier := &reconcile.Applier{Backends: w.Backends(), Store: store, Vars: reconcile.Vars(w.Vars(), nil), Project: "churn", Env: env}
	results, err := applier.Apply(t.Context(), reconcile.ComputePlan(reconcile.PlanInput{Desired: desired}))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil && r.Change.Desired.Type != sluice.TypeDBInstance {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
}
