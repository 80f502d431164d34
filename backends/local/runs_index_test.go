package local_test

import (
	"encoding/json"
	"path/filepath"
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
		if e := waitDone(t, w, mustStart(t, w, machineARN(c.pipeline), c.name, "")); e.Status != c.status {
			t.Fatalf("%s %s: %s, want %s", c.pipeline, c.name, e.Status, c.status)
		}
	}
	var runs map[string]local.PipelineRuns
	text := readFile(t, filepath.Join(w.BucketDir("churn-dev-artifacts"), "reader", "r1", "look", "runs.json"))
	if err := json.Unmarshal([]byte(text), &runs); err != nil {
		t.Fatalf("SLUICE_RUNS %q: %v", text, err)
	}
	bucket := w.BucketDir("churn-dev-artifacts")
	want := map[string]local.PipelineRuns{
		"chain":  {Artifacts: bucket + "/chain", Latest: "c2"},
		"mend":   {Artifacts: bucket + "/mend"},
		"reader": {Artifacts: bucket + "/reader"},
	}
	for name, p := range want {
		if runs[name] != p {
			t.Errorf("SLUICE_RUNS[%s] = %+v, want %+v (all: %s)", name, runs[name], p, text)
		}
	}
}
