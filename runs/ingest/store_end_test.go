package ingest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/runs/ingest"
)

// ends records what a StoreSink says ended.
type ends struct {
	runs     []sluice.RunRecord
	attempts []sluice.AttemptRecord
}

func (e *ends) RunEnded(r sluice.RunRecord) { e.runs = append(e.runs, r) }
func (e *ends) AttemptEnded(_ sluice.RunRecord, a sluice.AttemptRecord) {
	e.attempts = append(e.attempts, a)
}

// TestStoreSinkTellsEndsOnce: a run or attempt is told ended once, when
// an event first gives it a final status; repeats and late events are
// not told again. An ended run redriven and ending again is a new end.
func TestStoreSinkTellsEndsOnce(t *testing.T) {
	ctx := context.Background()
	sink, _ := newStoreSink(t)
	seen := &ends{}
	sink.Ended = seen
	env := map[string]string{"SLUICE_ENVIRONMENT": "dev", "SLUICE_PIPELINE": "training", "SLUICE_RUN_ID": "run-42", "SLUICE_STEP": "fit"}
	for _, j := range []ingest.JobEvent{
		{JobID: "j1", Status: "RUNNING", Started: t0, Environment: env},
		{JobID: "j1", Status: "SUCCEEDED", Started: t0, Stopped: t0.Add(time.Minute), Environment: env},
		{JobID: "j1", Status: "SUCCEEDED", Started: t0, Stopped: t0.Add(time.Minute), Environment: env},
		{JobID: "j1", Status: "RUNNING", Started: t0, Environment: env},
	} {
		if err := sink.UpsertJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	failed := ingest.ExecutionEvent{ExecutionARN: runDev, StateMachineARN: smDev, Status: "FAILED", Started: t0, Stopped: t0.Add(time.Hour)}
	redriven := ingest.ExecutionEvent{Time: t0.Add(2 * time.Hour), ExecutionARN: runDev, StateMachineARN: smDev, Status: "RUNNING",
		Started: t0, RedriveCount: 1}
	succeeded := ingest.ExecutionEvent{ExecutionARN: runDev, StateMachineARN: smDev, Status: "SUCCEEDED", Started: t0,
		Stopped: t0.Add(3 * time.Hour), RedriveCount: 1}
	for _, e := range []ingest.ExecutionEvent{failed, failed, redriven, succeeded, succeeded} {
		if err := sink.UpsertExecution(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen.attempts) != 1 || seen.attempts[0].Status != "SUCCEEDED" || seen.attempts[0].Stopped.Sub(seen.attempts[0].Started) != time.Minute {
		t.Errorf("attempts told ended: %+v; want fit's one attempt, SUCCEEDED after a minute", seen.attempts)
	}
	if len(seen.runs) != 2 || seen.runs[0].Status != "FAILED" || seen.runs[1].Status != "SUCCEEDED" || seen.runs[1].Pipeline != "training" {
		t.Errorf("runs told ended: %+v; want FAILED, then SUCCEEDED after the redrive", seen.runs)
	}
}

// TestStoreSinkRecordsLogStreams: an attempt's log is the ARN of its
// job's stream, in the job's account and region, in the log group the
// job definition's logConfiguration names or Batch's default; an event
// delivered late that names the stream still records it.
func TestStoreSinkRecordsLogStreams(t *testing.T) {
	ctx := context.Background()
	sink, store := newStoreSink(t)
	env := func(step string) map[string]string {
		return map[string]string{"SLUICE_ENVIRONMENT": "dev", "SLUICE_PIPELINE": "training", "SLUICE_RUN_ID": "run-42", "SLUICE_STEP": step}
	}
	const job = "arn:aws:batch:eu-west-1:123456789012:job/"
	for _, j := range []ingest.JobEvent{
		{JobID: "j1", JobARN: job + "j1", Status: "RUNNING", Started: t0, LogStream: "fit/default/t1", Environment: env("fit")},
		{JobID: "j2", JobARN: job + "j2", Status: "SUCCEEDED", Started: t0, Stopped: t0.Add(time.Second), Environment: env("eval")},
		{JobID: "j2", JobARN: job + "j2", Status: "RUNNING", Started: t0, LogStream: "eval/default/t2", LogGroup: "/ml/jobs",
			Environment: env("eval")},
	} {
		if err := sink.UpsertJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	d, err := store.Run(ctx, "dev", runDev)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"fit":  "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/batch/job:log-stream:fit/default/t1",
		"eval": "arn:aws:logs:eu-west-1:123456789012:log-group:/ml/jobs:log-stream:eval/default/t2",
	}
	for _, a := range d.Attempts {
		if a.Log != want[a.Step] {
			t.Errorf("%s's log = %q, want %q", a.Step, a.Log, want[a.Step])
		}
		if a.Step == "eval" && a.Status != "SUCCEEDED" {
			t.Errorf("eval's late RUNNING event undid its end: %s", a.Status)
		}
	}
}

// TestStoreSinkKeepsParametersRecordedAtStart: a run the daemon recorded
// as it started it, with every parameter (defaults included), keeps them
// when its execution's event brings the input, which holds only those
// given.
func TestStoreSinkKeepsParametersRecordedAtStart(t *testing.T) {
	ctx := context.Background()
	sink, store := newStoreSink(t)
	all := json.RawMessage(`{"epochs":3,"lr":0.1}`)
	start := sluice.RunRecord{ID: runDev, Name: "run-42", Pipeline: "training", Environment: "dev", Backend: "aws",
		Revision: "def", SpecHash: "h2", Parameters: all, Status: "RUNNING", Started: t0.Add(time.Second)}
	if err := store.PutRun(ctx, start); err != nil {
		t.Fatal(err)
	}
	err := sink.UpsertExecution(ctx, ingest.ExecutionEvent{ExecutionARN: runDev, StateMachineARN: smDev, Name: "run-42",
		Status: "SUCCEEDED", Started: t0, Stopped: t0.Add(time.Minute), Input: `{"parameters":{"epochs":3}}`})
	if err != nil {
		t.Fatal(err)
	}
	d, err := store.Run(ctx, "dev", runDev)
	if err != nil {
		t.Fatal(err)
	}
	if string(d.Parameters) != string(all) || d.Revision != "def" || d.SpecHash != "h2" || !d.Started.Equal(t0) || d.Status != "SUCCEEDED" {
		t.Errorf("run after its event = %+v with %s; want the start's parameters, revision and spec hash, the event's start and status",
			d.RunRecord, d.Parameters)
	}
}
