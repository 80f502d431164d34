package ingest_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/runs/ingest"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

const (
	smDev   = "arn:aws:states:eu-west-1:123456789012:stateMachine:churn-dev-training"
	smDevEU = "arn:aws:states:eu-west-1:123456789012:stateMachine:churn-dev-eu-training"
	runDev  = "arn:aws:states:eu-west-1:123456789012:execution:churn-dev-training:run-42"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

// newStoreSink is the sink of environment dev over a fresh embedded run
// store; dev deployed the training pipeline at revision abc before t0.
func newStoreSink(t *testing.T) (*ingest.StoreSink, sluice.RunStore) {
	t.Helper()
	store, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	deployed := map[string]ingest.Deployment{smDev: {Pipeline: "training", Revision: "abc", SpecHash: "h1", Applied: t0.Add(-time.Hour)}}
	return &ingest.StoreSink{Store: store, Project: "churn", Environment: "dev",
		Deployed: func(context.Context) (map[string]ingest.Deployment, error) { return deployed, nil }}, store
}

// TestStoreSinkMergesExecutions: events that say less (a listing has
// no input) or come late (RUNNING after SUCCEEDED) blank and undo
// nothing; another environment's state machine sharing the name prefix
// is not recorded.
func TestStoreSinkMergesExecutions(t *testing.T) {
	ctx := context.Background()
	sink, store := newStoreSink(t)
	running := ingest.ExecutionEvent{Time: t0, ExecutionARN: runDev, StateMachineARN: smDev, Name: "run-42", Status: "RUNNING",
		Started: t0, Input: `{"parameters":{"epochs":3},"run":"run-42"}`}
	listed := ingest.ExecutionEvent{ExecutionARN: runDev, StateMachineARN: smDev, Name: "run-42", Status: "SUCCEEDED",
		Started: t0, Stopped: t0.Add(time.Minute)}
	other := ingest.ExecutionEvent{ExecutionARN: "arn:aws:states:eu-west-1:123456789012:execution:churn-dev-eu-training:x",
		StateMachineARN: smDevEU, Name: "x", Status: "RUNNING", Started: t0}
	for _, e := range []ingest.ExecutionEvent{running, listed, running, other} {
		if err := sink.UpsertExecution(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	runs, err := store.Runs(ctx, sluice.RunFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 {
		t.Fatalf("%d runs recorded, want only dev's: %+v", len(runs), runs)
	}
	r := runs[0]
	want := sluice.RunRecord{ID: runDev, Name: "run-42", Project: "churn", Pipeline: "training", Environment: "dev", Backend: "aws",
		Revision: "abc", SpecHash: "h1", Status: "SUCCEEDED", Started: t0, Stopped: t0.Add(time.Minute)}
	params := string(r.Parameters)
	r.Parameters = nil
	if !reflect.DeepEqual(r, want) || params != `{"epochs":3}` {
		t.Errorf("run = %+v with parameters %s,\nwant %+v with {\"epochs\":3}", r, params, want)
	}
}

// TestStoreSinkRecordsJobs: a job's event, even one before its
// execution's, becomes the attempt of its step; a late state changes
// nothing; a retry's new job is the next attempt; a job of another
// environment is skipped.
func TestStoreSinkRecordsJobs(t *testing.T) {
	ctx := context.Background()
	sink, store := newStoreSink(t)
	env := map[string]string{"SLUICE_ENVIRONMENT": "dev", "SLUICE_PIPELINE": "training", "SLUICE_RUN_ID": "run-42",
		"SLUICE_STEP": "fit", "SLUICE_OUTPUT": "s3://b/training/run-42/fit/3"}
	exit := 1
	jobs := []ingest.JobEvent{
		{JobID: "j1", Status: "RUNNING", Started: t0, Environment: env},
		{JobID: "j1", Status: "FAILED", Started: t0, Stopped: t0.Add(time.Second), ExitCode: &exit, LogStream: "s/1",
			StatusReason: "Essential container in task exited", Environment: env},
		{JobID: "j1", Status: "RUNNABLE", Created: t0, Environment: env},
		{JobID: "j2", Status: "SUCCEEDED", Started: t0.Add(time.Minute), Environment: env},
		{JobID: "j3", Status: "RUNNING", Environment: map[string]string{"SLUICE_ENVIRONMENT": "dev-eu", "SLUICE_PIPELINE": "training",
			"SLUICE_RUN_ID": "run-42", "SLUICE_STEP": "fit"}},
	}
	for _, j := range jobs {
		if err := sink.UpsertJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	d, err := store.Run(ctx, "dev", runDev)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "RUNNING" || d.Pipeline != "training" {
		t.Errorf("run before its execution's event = %s of %q, want RUNNING of training", d.Status, d.Pipeline)
	}
	if len(d.Attempts) != 2 {
		t.Fatalf("%d attempts, want 2: %+v", len(d.Attempts), d.Attempts)
	}
	a1, a2 := d.Attempts[0], d.Attempts[1]
	if a1.Path != "3/fit" || a1.Attempt != 1 || a1.JobID != "j1" || a1.Status != "FAILED" || a1.ExitCode == nil || *a1.ExitCode != 1 ||
		a1.Log != "s/1" || len(a1.ForeachIndex) != 1 || a1.ForeachIndex[0] != 3 {
		t.Errorf("first attempt = %+v, want j1 of 3/fit, FAILED with exit code 1 and its log", a1)
	}
	if a2.Attempt != 2 || a2.JobID != "j2" || a2.Status != "SUCCEEDED" {
		t.Errorf("second attempt = %+v, want attempt 2, j2, SUCCEEDED", a2)
	}
}
