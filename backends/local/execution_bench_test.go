package local_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/reconcile"
)

// widePipeline fans a trivial step out over a list parameter, 40 copies
// at a time (the most an inline foreach may run), on a compute
// environment with a vCPU for each.
const widePipeline = `apiVersion: sluice.dev/v1
kind: ArtifactStore
metadata: {name: artifacts}
spec: {}
---
apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata: {name: cpu}
spec: {type: EC2, maxVcpus: 64, subnets: [subnet-a], instanceRole: "arn:aws:iam::1:instance-profile/ecs"}
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: wide}
spec:
  parameters:
    items: {type: list, default: []}
  steps:
    - {name: start, command: ["true"], foreach: {over: parameters.items, step: work, join: done, concurrency: 40}}
    - {name: work, command: ["true"], next: done}
    - {name: done, command: ["true"]}
`

// BenchmarkForeach1000Local runs a pipeline whose foreach runs 1,000
// copies of `true` on the local backend, through StartExecution, and
// reports the time per item and per execution: the cost of a local
// job (starting a process, writing its log and description, see
// BenchmarkRunTask) dominates; the interpreter's own cost per state
// transition is measured by asl's BenchmarkTransition.
func BenchmarkForeach1000Local(b *testing.B) {
	const n = 1000
	desired := compileFiles(b, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": widePipeline}, env)
	w := mustWorld(b, local.Options{Workdir: b.TempDir()})
	b.Cleanup(func() { _ = w.Close() })
	applyAll(b, w, desired)
	items := make([]int, n)
	for i := range items {
		items[i] = i
	}
	input, err := json.Marshal(map[string]any{"parameters": map[string]any{"items": items}})
	if err != nil {
		b.Fatal(err)
	}
	runs := 0
	for b.Loop() {
		runs++
		e := waitDone(b, w, mustStart(b, w, machineARN("wide"), fmt.Sprintf("run-%d", runs), string(input)))
		if e.Status != sluice.ExecutionSucceeded || len(e.Steps) != n+2 {
			b.Fatalf("execution %s with %d steps: %s", e.Status, len(e.Steps), e.Cause)
		}
	}
	perRun := float64(b.Elapsed().Milliseconds()) / float64(runs)
	b.ReportMetric(perRun, "ms/execution")
	b.ReportMetric(perRun/n, "ms/item")
}

// applyAll applies desired to w's backends, failing on any error.
func applyAll(tb testing.TB, w *local.World, desired []sluice.Resource) {
	tb.Helper()
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	applier := &reconcile.Applier{Backends: w.Backends(), Store: store, Vars: reconcile.Vars(w.Vars(), nil), Project: projectName, Env: env}
	results, err := applier.Apply(tb.Context(), reconcile.ComputePlan(reconcile.PlanInput{Desired: desired}))
	if err != nil {
		tb.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil {
			tb.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
}
