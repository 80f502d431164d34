package local_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
)

const readerPipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: reader}
spec:
  steps:
    - {name: look, command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT" && echo "$SLUICE_RUNS" > "$SLUICE_OUTPUT/runs.json"']}
`

// TestStepsAreToldOtherRuns runs two pipelines, one twice (the second
// run after the first), one failing, and finds in what a third
// pipeline's step was handed (SLUICE_RUNS) each pipeline's artifacts as
// a local directory and its latest successful run: the newer, and none
// for the failed one.
func TestStepsAreToldOtherRuns(t *testing.T) {
	dir := t.TempDir()
	desired := compileFiles(t, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": runDocuments + "---\n" +
		chainPipeline(filepath.Join(dir, "steps")) + "---\n" + mendPipeline(filepath.Join(dir, "fixed"), filepath.Join(dir, "m")) +
		"---\n" + readerPipeline}, env)
	w := mustWorld(t, local.Options{Workdir: dir, Sandbox: local.Sandbox{Off: true}})
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, desired)
	for _, c := range []struct{ pipeline, name, status string }{
		{"chain", "c1", sluice.ExecutionSucceeded}, {"chain", "c2", sluice.ExecutionSucceeded},
		{"mend", "m1", sluice.ExecutionFailed}, {"reader", "r1", sluice.ExecutionSucceeded},
	} {
		if e := waitDone(t, w, mustStart(t, w, machineARN(c.pipeline), c.name, `{"parameters":{}}`)); e.Status != c.status {
			t.Fatalf("%s %s: %s, want %s", c.pipeline, c.name, e.Status, c.status)
		}
	}
	runs := readRuns(t, w, "r1")
	bucket := w.BucketDir("churn-dev-artifacts")
	want := map[string]local.PipelineRuns{
		"chain":  {Artifacts: bucket + "/chain", Latest: "c2"},
		"mend":   {Artifacts: bucket + "/mend"},
		"reader": {Artifacts: bucket + "/reader"},
	}
	for name, p := range want {
		if runs[name] != p {
			t.Errorf("SLUICE_RUNS[%s] = %+v, want %+v (all: %+v)", name, runs[name], p, runs)
		}
	}
	// A pipeline deployed since is told of; a World opened afresh on the
	// directory finds the latest successful runs in the records.
	var extra []sluice.Resource
	for _, r := range compileFiles(t, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": runDocuments + "---\n" +
		strings.Replace(readerPipeline, "name: reader", "name: extra", 1)}, env) {
		if strings.Contains(r.Name, "extra") {
			extra = append(extra, r)
		}
	}
	deploy(t, w, env, extra)
	if e := waitDone(t, w, mustStart(t, w, machineARN("reader"), "r2", "")); e.Status != sluice.ExecutionSucceeded {
		t.Fatalf("reader r2: %s", e.Status)
	}
	if runs := readRuns(t, w, "r2"); runs["extra"].Artifacts != bucket+"/extra" || runs["reader"].Latest != "r1" {
		t.Errorf("SLUICE_RUNS after a pipeline was deployed and reader r1 succeeded: %+v", runs)
	}
	_ = w.Close()
	again, err := local.New(w.Dir(), local.Options{Workdir: dir, Sandbox: local.Sandbox{Off: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.Close() })
	if e := waitDone(t, again, mustStart(t, again, machineARN("reader"), "r3", "")); e.Status != sluice.ExecutionSucceeded {
		t.Fatalf("reader r3: %s", e.Status)
	}
	if runs := readRuns(t, again, "r3"); runs["chain"].Latest != "c2" || runs["reader"].Latest != "r2" {
		t.Errorf("SLUICE_RUNS in a World opened afresh: %+v", runs)
	}
}

// readRuns reads the SLUICE_RUNS that reader's run name was handed.
func readRuns(t *testing.T, w *local.World, name string) map[string]local.PipelineRuns {
	t.Helper()
	var runs map[string]local.PipelineRuns
	text := readFile(t, filepath.Join(w.BucketDir("churn-dev-artifacts"), "reader", name, "look", "runs.json"))
	if err := json.Unmarshal([]byte(text), &runs); err != nil {
		t.Fatalf("SLUICE_RUNS %q: %v", text, err)
	}
	return runs
}
