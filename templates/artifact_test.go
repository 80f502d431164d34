package templates_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestPredictionReadsTrainingModel runs the training template, then the
// batch-prediction template with model "run:training/latest" and the
// SLUICE_RUNS the local backend would hand it: load-model reads the
// model the training run registered (sluice_step.artifact). Without
// SLUICE_RUNS, or naming a pipeline with no successful run, the step
// stops with an error that says why.
func TestPredictionReadsTrainingModel(t *testing.T) {
	train := newRunner(t, "training", map[string]any{"rows": 600, "epochs": 40, "learningRates": []any{0.3}})
	if err := train.run(); err != nil {
		t.Fatal(err)
	}
	// The training run's prefix is .../artifacts: its run id is "artifacts".
	runs := `SLUICE_RUNS={"training": {"artifacts": "` + filepath.Dir(train.artifacts) + `", "latest": "artifacts"}, "idle": {"artifacts": "/nowhere"}}`
	for _, c := range []struct {
		model, env, wantErr string
	}{
		{"run:training/latest", runs, ""},
		{"run:training/artifacts", runs, ""},
		{"run:training/latest", "", "needs SLUICE_RUNS, which the local backend gives every step"},
		{"run:training/latest", "SLUICE_RUNS={}", "SLUICE_RUNS names no pipeline: on AWS a run started by a schedule"},
		{"run:idle/latest", runs, "pipeline 'idle' has no run that succeeded"},
		{"run:trainin/latest", runs, "no pipeline 'trainin' is deployed"},
		{"run:training/r9", runs, "run r9 of training, step register wrote no model/model.json"},
	} {
		predict := newRunner(t, "batch-prediction", map[string]any{"rows": 300, "shardSize": 300, "model": c.model})
		if c.env != "" {
			predict.env = append(predict.env, c.env)
		}
		err := predict.run()
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("model %s (SLUICE_RUNS %t): %v, want %q", c.model, c.env != "", err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("model %s: %v", c.model, err)
		}
		want := train.readJSON("register/model/model.json")
		got := predict.readJSON("load-model/model.json")
		if mustJSON(t, got) != mustJSON(t, want) {
			t.Errorf("model %s: load-model wrote %v, want the registered model %v", c.model, got, want)
		}
	}
}
