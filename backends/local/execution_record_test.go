package local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// recordingWorld is runWorld with its executions recorded in a run store.
func recordingWorld(t *testing.T) (*local.World, sluice.RunStore) {
	t.Helper()
	store, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	desired := compileFiles(t, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": runDocuments}, env)
	w := mustWorld(t, local.Options{Workdir: t.TempDir(), Runs: store, Sandbox: local.Sandbox{Off: true}})
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, desired)
	return w, store
}

func TestExecutionIsRecorded(t *testing.T) {
	w, store := recordingWorld(t)
	ctx := context.Background()
	id := mustStart(t, w, machineARN("relay"), "run-1", `{"parameters": {"extra": 1}}`)
	e := waitDone(t, w, id)
	if e.Status != sluice.ExecutionSucceeded {
		t.Fatalf("relay: %s %s", e.Status, e.Cause)
	}
	d, err := store.Run(ctx, env, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Pipeline != "relay" || d.Environment != env || d.Project != projectName || d.Status != sluice.ExecutionSucceeded ||
		d.Revision != "0123456789abcdef0123456789abcdef01234567" || d.SpecHash == "" || d.Stopped.IsZero() {
		t.Fatalf("run record: %+v", d.RunRecord)
	}
	var params map[string]any
	if err := json.Unmarshal(d.Parameters, &params); err != nil || params["greeting"] != "hello" || params["extra"] != float64(1) {
		t.Fatalf("parameters after defaults: %s, want the default greeting and the given extra", d.Parameters)
	}
	if len(d.Attempts) != 2 || d.Attempts[0].Step != "produce" || d.Attempts[1].Step != "consume" {
		t.Fatalf("attempts: %+v", d.Attempts)
	}
	for _, a := range d.Attempts {
		if a.Status != sluice.ExecutionSucceeded || a.ExitCode == nil || *a.ExitCode != 0 || a.JobID == "" ||
			!strings.Contains(readFile(t, a.Log), "[sluice] job SUCCEEDED") || a.Stopped.Before(a.Started) {
			t.Errorf("attempt %+v", a)
		}
	}
	uris := map[string]sluice.ArtifactRecord{}
	for _, a := range d.Artifacts {
		uris[a.URI[strings.Index(a.URI, "/run-1/")+1:]] = a
	}
	data, copied := uris["run-1/produce/data.json"], uris["run-1/consume/copy.json"]
	if data.Size == 0 || data.Checksum != copied.Checksum || !strings.HasPrefix(data.Checksum, "sha256:") || data.Path != "produce" {
		t.Fatalf("artifacts: %+v", d.Artifacts)
	}
	l, err := store.Lineage(ctx, copied.URI)
	if err != nil || l.Run.ID != id || l.Attempt.Step != "consume" {
		t.Fatalf("lineage of %s: %+v, %v", copied.URI, l, err)
	}
}

func TestFailedAndForeachExecutionsAreRecorded(t *testing.T) {
	w, store := recordingWorld(t)
	ctx := context.Background()
	waitDone(t, w, mustStart(t, w, machineARN("broken"), "run-b", ""))
	waitDone(t, w, mustStart(t, w, machineARN("fan"), "run-f", `{"parameters":{}}`))
	b, err := store.Run(ctx, env, "run-b")
	if err != nil {
		t.Fatal(err)
	}
	last := b.Attempts[len(b.Attempts)-1]
	if b.Status != sluice.ExecutionFailed || last.Step != "explode" || last.Status != sluice.ExecutionFailed ||
		last.ExitCode == nil || *last.ExitCode != 3 || last.Error != "States.TaskFailed" || !strings.Contains(last.Cause, "boom") {
		t.Fatalf("failed run: %+v, last attempt %+v", b.RunRecord, last)
	}
	f, err := store.Run(ctx, env, "run-f")
	if err != nil {
		t.Fatal(err)
	}
	items := map[string]bool{}
	for _, a := range f.Attempts {
		if a.Step == "work" {
			if len(a.ForeachIndex) != 1 || a.Path != fmt.Sprintf("start.foreach/%d/work", a.ForeachIndex[0]) {
				t.Errorf("foreach copy %+v", a)
			}
			items[string(a.ForeachItem)] = true
		}
	}
	if len(items) != 3 || !items[`"a"`] || !items[`"c"`] {
		t.Fatalf("foreach items recorded: %v, want a, b and c", items)
	}
	runs, err := store.Runs(ctx, sluice.RunFilter{Environment: env, Status: sluice.ExecutionFailed})
	if err != nil || len(runs) != 1 || runs[0].Name != "run-b" {
		t.Fatalf("failed runs listed: %v, %v", runs, err)
	}
}

func TestStopExecution(t *testing.T) {
	w, store := recordingWorld(t)
	ctx := context.Background()
	id := mustStart(t, w, machineARN("slow"), "run-s", "")
	waitFor(t, w, id, func(e sluice.Execution) bool { return len(e.Steps) == 1 && e.Steps[0].Log != "" })
	if err := w.StopExecution(ctx, id, "stopped by a test"); err != nil {
		t.Fatal(err)
	}
	e := waitDone(t, w, id)
	if e.Status != sluice.ExecutionAborted || e.Cause != "stopped by a test" || e.Steps[0].Status != sluice.ExecutionFailed {
		t.Fatalf("stopped execution: %s %s %s", e.Status, e.Cause, stepStates(e.Steps))
	}
	r, err := store.Run(ctx, env, "run-s")
	if err != nil || r.Status != sluice.ExecutionAborted || r.Attempts[0].Status != sluice.ExecutionFailed {
		t.Fatalf("recorded: %+v, %v", r, err)
	}
	if err := w.StopExecution(ctx, id, ""); sluice.KindOf(err) != sluice.KindNotFound {
		t.Fatalf("stopping an ended execution: %v, want not found", err)
	}
}

// TestSettleRuns settles a run whose record a stopped process left
// RUNNING (here: a copy of a running execution's record in another data
// directory): the store ends it ABORTED, its running attempt FAILED.
func TestSettleRuns(t *testing.T) {
	w, store := recordingWorld(t)
	ctx := context.Background()
	id := mustStart(t, w, machineARN("slow"), "run-k", "")
	waitFor(t, w, id, func(e sluice.Execution) bool { return len(e.Steps) == 1 && e.Steps[0].Log != "" })
	// The record is written every 100 ms while it changes: wait for the
	// step's log to be in the file, as a killed process would leave it.
	sm := machineARN("slow")[strings.LastIndex(machineARN("slow"), ":")+1:]
	src := filepath.Join(w.Dir(), "executions", sm, "run-k.json")
	var data []byte
	for !strings.Contains(string(data), `"log"`) {
		var err error
		if data, err = os.ReadFile(src); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	dead := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dead, "executions", sm), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dead, "executions", sm, "run-k.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := local.SettleRuns(ctx, dead, store)
	if err != nil || n != 1 {
		t.Fatalf("SettleRuns = %d, %v; want 1 run settled", n, err)
	}
	r, err := store.Run(ctx, env, "run-k")
	if err != nil || r.Status != sluice.ExecutionAborted || !strings.Contains(r.Cause, "stopped") ||
		r.Attempts[0].Status != sluice.ExecutionFailed || r.Stopped.IsZero() {
		t.Fatalf("settled run: %+v, %v", r, err)
	}
	if n, err := local.SettleRuns(ctx, dead, store); err != nil || n != 0 {
		t.Fatalf("settling again: %d, %v; want nothing to do", n, err)
	}
}
