package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

// machineRecord is a state machine's inventory record as far as
// SLUICE_RUNS goes: its run prefix and its parameters' defaults.
func machineRecord(pipeline string, defaults map[string]any) statestore.Record {
	def := map[string]any{"States": map[string]any{
		"Sluice.Defaults": map[string]any{"Type": "Pass", "Result": defaults},
		"Sluice.Parameters": map[string]any{"Type": "Pass", "Parameters": map[string]any{
			"artifacts.$": "States.Format('s3://churn-dev-artifacts/" + pipeline + "/{}', $$.Execution.Name)"}},
	}}
	spec, _ := json.Marshal(map[string]any{"definition": def})
	return statestore.Record{ID: sluice.ResourceID("StateMachine/" + pipeline), Type: sluice.TypeStateMachine, Spec: spec, SpecHash: "h"}
}

// TestWithSluice: a run on AWS carries from and every deployed
// pipeline's prefix and latest successful run; runs is left out, with a
// warning, when it would not fit the container overrides beside the
// parameters (defaults included); a local run's input is left alone.
func TestWithSluice(t *testing.T) {
	ctx := context.Background()
	store, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	runs, err := sqlitestore.Open(ctx, filepath.Join(t.TempDir(), "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runs.Close() })
	start := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for i, r := range []struct{ name, status string }{{"t-1", sluice.ExecutionSucceeded}, {"t-2", sluice.ExecutionSucceeded}, {"t-3", sluice.ExecutionFailed}} {
		if err := runs.PutRun(ctx, sluice.RunRecord{ID: "arn:" + r.name, Name: r.name, Pipeline: "training", Environment: "dev",
			Status: r.status, Started: start.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(recs ...statestore.Record) { statestoretest.PutResources(t, store, "dev", recs...) }
	put(machineRecord("training", nil), machineRecord("predict", map[string]any{"pad": "x"}))
	var logged bytes.Buffer
	d := &Daemon{store: store, log: slog.New(slog.NewTextHandler(&logged, nil)), opts: Options{Runs: runs}}
	aws := &envWorker{cfg: config.Environment{Name: "dev", Backend: config.BackendAWS}}
	input := json.RawMessage(`{"parameters":{"a":1}}`)

	type sluiceObj struct {
		From string                    `json:"from"`
		Runs map[string]map[string]any `json:"runs"`
	}
	decode := func(b json.RawMessage) sluiceObj {
		var in struct{ Sluice sluiceObj }
		if err := json.Unmarshal(b, &in); err != nil {
			t.Fatal(err)
		}
		return in.Sluice
	}
	out, params := d.withSluice(ctx, aws, "predict", input, "score")
	got := decode(out)
	if got.From != "score" || got.Runs["training"]["latest"] != "t-2" || got.Runs["training"]["artifacts"] != "s3://churn-dev-artifacts/training" ||
		got.Runs["predict"]["artifacts"] != "s3://churn-dev-artifacts/predict" || got.Runs["predict"]["latest"] != nil || params["a"] != 1.0 {
		t.Errorf("sluice %+v, parameters %v; want from score, training's latest t-2, predict without a latest", got, params)
	}
	// The defaults of predict take the overrides' room.
	put(machineRecord("predict", map[string]any{"pad": strings.Repeat("x", 6100)}))
	got = decode(firstOf(d.withSluice(ctx, aws, "predict", input, "score")))
	if got.From != "score" || got.Runs != nil || !strings.Contains(logged.String(), "SLUICE_RUNS left out of the run") {
		t.Errorf("with large defaults: sluice %+v, log %q; want from only and a warning", got, logged.String())
	}
	local := &envWorker{cfg: config.Environment{Name: "dev", Backend: config.BackendLocal}}
	if out, _ := d.withSluice(ctx, local, "predict", input, "score"); string(out) != string(input) {
		t.Errorf("local run's input %s, want it unchanged", out)
	}
}

func firstOf(b json.RawMessage, _ map[string]any) json.RawMessage { return b }
