package templates_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestStepProgramsRun runs every template's step programs end to end on
// their synthetic data and checks the path the run took and what the steps
// handed to each other.
func TestStepProgramsRun(t *testing.T) {
	tests := []struct {
		name     string
		template string
		params   map[string]any
		ran      []string
		wantErr  string
		check    func(t *testing.T, r *runner)
	}{
		{
			name:     "training registers a good model",
			template: "training",
			params:   map[string]any{"rows": 600, "epochs": 40},
			ran:      []string{"prepare", "train", "train", "train", "train", "pick", "evaluate", "register"},
			check: func(t *testing.T, r *runner) {
				if got := r.readJSON("evaluate/outputs.json")["quality"]; got != "pass" {
					t.Errorf("evaluate outputs quality = %v, want pass", got)
				}
				if n := len(r.readJSON("pick/selection.json")["candidates"].([]any)); n != 4 {
					t.Errorf("pick compared %d candidates, want 4", n)
				}
				pkg := r.readJSON("register/model-package.json")
				if pkg["version"] != "run-1" || pkg["revision"] != "0123456789abcdef0123456789abcdef01234567" {
					t.Errorf("model package does not trace to its run and commit: %v", pkg)
				}
				r.readJSON("register/model/model.json")
			},
		},
		{
			name:     "training reports a model below the gate",
			template: "training",
			params:   map[string]any{"rows": 600, "epochs": 40, "minAccuracy": 0.999, "learningRates": []any{0.1, 0.3}},
			ran:      []string{"prepare", "train", "train", "pick", "evaluate", "report"},
			check: func(t *testing.T, r *runner) {
				if got := r.readJSON("evaluate/outputs.json")["quality"]; got != "fail" {
					t.Errorf("evaluate outputs quality = %v, want fail", got)
				}
				mustContain(t, r, "report/report.md", "below the minimum of 0.999")
			},
		},
		{
			name:     "training fails on a missing dataset",
			template: "training",
			params:   map[string]any{"dataset": "/nonexistent/data.csv"},
			ran:      []string{"prepare"},
			wantErr:  "cannot read /nonexistent/data.csv",
		},
		{
			name:     "data-processing publishes clean data",
			template: "data-processing",
			params:   map[string]any{"corruptFraction": 0.01},
			ran:      []string{"ingest", "validate", "transform", "publish"},
			check: func(t *testing.T, r *runner) {
				kept := r.readJSON("transform/transform.json")
				if kept["dropped"].(float64) == 0 || kept["kept"].(float64) < 1900 {
					t.Errorf("transform kept %v: want the few broken rows dropped, the rest kept", kept)
				}
				manifest := r.readJSON("publish/dataset/manifest.json")
				if manifest["rows"] != kept["kept"] || manifest["revision"] == "" {
					t.Errorf("manifest %v does not match transform %v", manifest, kept)
				}
			},
		},
		{
			name:     "data-processing stops bad data at the gate",
			template: "data-processing",
			params:   map[string]any{"corruptFraction": 0.2},
			ran:      []string{"ingest", "validate", "reject"},
			wantErr:  "data rejected by the quality gate: invalid rows",
			check: func(t *testing.T, r *runner) {
				if got := r.readJSON("validate/outputs.json")["verdict"]; got != "fail" {
					t.Errorf("validate verdict = %v, want fail", got)
				}
				mustContain(t, r, "reject/rejection.md", "duplicate customer_id")
			},
		},
		{
			name:     "batch-prediction scores every shard",
			template: "batch-prediction",
			params:   map[string]any{"rows": 1100, "shardSize": 300},
			ran:      []string{"load-model", "shard", "predict", "predict", "predict", "predict", "merge"},
			check: func(t *testing.T, r *runner) {
				summary := r.readJSON("merge/summary.json")
				if summary["rows"] != 1100.0 || summary["shards"] != 4.0 {
					t.Errorf("merge summary %v, want 1100 rows from 4 shards", summary)
				}
				data, err := r.readFile(joinPrefix(r.artifacts, "shard/shards.json"))
				var items []any
				if err != nil || json.Unmarshal(data, &items) != nil || len(items) != 4 {
					t.Errorf("shard did not write the 4 shards to shards.json for a distributed foreach: %s %v", data, err)
				}
				mustContain(t, r, "merge/predictions.csv", "customer_id,churn_probability,churn_predicted\nc23-000000,")
			},
		},
		{
			name:     "batch-prediction refuses a file that is not a model",
			template: "batch-prediction",
			params:   map[string]any{"model": "steps/shard.py"},
			ran:      []string{"load-model"},
			wantErr:  "steps/shard.py is not valid JSON",
		},
		{
			name:     "model-deployment deploys a candidate that passes both checks",
			template: "model-deployment",
			ran:      []string{"fetch", "offline-validation", "bias-check", "gate", "deploy"},
			check: func(t *testing.T, r *runner) {
				record := r.readJSON("deploy/serving/churn-model/deployment.json")
				if record["version"] != "run-1" || record["revision"] == "" {
					t.Errorf("deployment record does not trace to its run and commit: %v", record)
				}
				r.readJSON("deploy/serving/churn-model/model.json")
			},
		},
		{
			name:     "model-deployment rejects a biased candidate",
			template: "model-deployment",
			params:   map[string]any{"biasStrength": 0.4},
			ran:      []string{"fetch", "offline-validation", "bias-check", "gate", "reject"},
			check: func(t *testing.T, r *runner) {
				if got := r.readJSON("gate/outputs.json")["decision"]; got != "reject" {
					t.Errorf("gate decision = %v, want reject", got)
				}
				mustContain(t, r, "reject/rejection.md", "parity gap")
			},
		},
	}
	if testing.Short() {
		t.Skip("runs Python processes; skipped in -short mode")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRunner(t, tt.template, tt.params)
			err := r.run()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("run error = %v, want one containing %q", err, tt.wantErr)
			}
			if !reflect.DeepEqual(r.ran, tt.ran) {
				t.Errorf("steps ran %v, want %v", r.ran, tt.ran)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func mustContain(t *testing.T, r *runner, rel, want string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(r.artifacts, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("steps %v did not write %s: %v", r.ran, rel, err)
	}
	if !strings.Contains(string(data), want) {
		t.Errorf("%s does not say %q:\n%s", rel, want, data)
	}
}
