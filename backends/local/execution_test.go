package local_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
)

// TestExecutionSucceeds runs a two-step pipeline: the execution
// succeeds, its steps are recorded in order with their logs, the second
// step found the artifact the first wrote, and the executions of the
// state machine list it.
func TestExecutionSucceeds(t *testing.T) {
	w := runWorld(t, t.TempDir())
	id := mustStart(t, w, machineARN("relay"), "run-1", `{"parameters": {"greeting": "bonjour"}}`)
	if id != "arn:aws:states:local:000000000000:execution:churn-dev-relay:run-1" {
		t.Errorf("execution ARN %s", id)
	}
	e := waitDone(t, w, id)
	if e.Status != sluice.ExecutionSucceeded || e.Name != "run-1" || e.StateMachine != machineARN("relay") || e.Stopped.IsZero() || len(e.Output) == 0 {
		t.Fatalf("execution %+v, want SUCCEEDED run-1 of relay with an output", e)
	}
	if got := stepStates(e.Steps); got != "produce:SUCCEEDED consume:SUCCEEDED" {
		t.Fatalf("steps %s, want produce then consume, both SUCCEEDED", got)
	}
	for _, s := range e.Steps {
		if s.Attempt != 1 || s.Log == "" || s.Stopped.Before(s.Started) {
			t.Errorf("step %+v: want attempt 1, a log and a stop after its start", s)
		}
	}
	if log := readFile(t, e.Steps[0].Log); !strings.Contains(log, `produce says {"greeting":"bonjour"}`) {
		t.Errorf("produce's log lacks its output:\n%s", log)
	}
	if log := readFile(t, e.Steps[1].Log); !strings.Contains(log, "consumed") {
		t.Errorf("consume's log lacks its output:\n%s", log)
	}
	copied := readFile(t, filepath.Join(w.BucketDir("churn-dev-artifacts"), "relay", "run-1", "consume", "copy.json"))
	if !strings.Contains(copied, `"greeting":"bonjour"`) {
		t.Errorf("consume's copy of produce's artifact: %q", copied)
	}
	list, err := w.Executions(t.Context(), "churn-dev-relay")
	if err != nil || len(list) != 1 || list[0].ID != id || list[0].Status != sluice.ExecutionSucceeded {
		t.Errorf("Executions: %+v, %v; want run-1 SUCCEEDED", list, err)
	}
}

// TestExecutionStepFails runs a pipeline whose second step exits 3: the
// execution fails, and the failed step's cause quotes its log.
func TestExecutionStepFails(t *testing.T) {
	w := runWorld(t, t.TempDir())
	e := waitDone(t, w, mustStart(t, w, machineARN("broken"), "run-1", ""))
	if e.Status != sluice.ExecutionFailed || e.Error != "States.TaskFailed" || !strings.Contains(e.Cause, "boom") {
		t.Fatalf("execution %s %s %q, want FAILED States.TaskFailed naming boom", e.Status, e.Error, e.Cause)
	}
	if got := stepStates(e.Steps); got != "start:SUCCEEDED explode:FAILED" {
		t.Fatalf("steps %s, want start SUCCEEDED then explode FAILED", got)
	}
	failed := e.Steps[1]
	if failed.Error != "States.TaskFailed" || !strings.Contains(failed.Cause, "exited with status 3") ||
		!strings.Contains(failed.Cause, failed.Log) || !strings.Contains(failed.Cause, "boom") {
		t.Errorf("failed step %+v: want its cause to give the exit status, the log and its tail", failed)
	}
	if log := readFile(t, failed.Log); !strings.Contains(log, "boom") {
		t.Errorf("failed step's log lacks its output:\n%s", log)
	}
}

// TestExecutionRefusals checks what StartExecution and
// DescribeExecution refuse, and the kind of error each returns.
func TestExecutionRefusals(t *testing.T) {
	w := runWorld(t, t.TempDir())
	first := mustStart(t, w, machineARN("relay"), "taken", "")
	waitDone(t, w, first)
	starts := []struct {
		name, sm, run, input string
		kind                 sluice.Kind
	}{
		{"name used before", machineARN("relay"), "taken", "", sluice.KindConflict},
		{"name used before, by name", "churn-dev-relay", "taken", `{}`, sluice.KindConflict},
		{"unknown state machine", machineARN("nothing"), "run-1", "", sluice.KindNotFound},
		{"name with a slash", machineARN("relay"), "a/b", "", sluice.KindInvalid},
		{"name with a space", machineARN("relay"), "a b", "", sluice.KindInvalid},
		{"name of 81 characters", machineARN("relay"), strings.Repeat("x", 81), "", sluice.KindInvalid},
		{"dot dot", machineARN("relay"), "..", "", sluice.KindInvalid},
		{"input not JSON", machineARN("relay"), "run-2", `{"parameters":`, sluice.KindInvalid},
	}
	for _, tt := range starts {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.StartExecution(t.Context(), tt.sm, tt.run, []byte(tt.input))
			if sluice.KindOf(err) != tt.kind {
				t.Errorf("StartExecution: %v, want a %s error", err, tt.kind)
			}
		})
	}
	for _, id := range []string{
		"arn:aws:states:local:000000000000:execution:churn-dev-relay:never",
		"arn:aws:states:local:000000000000:execution:churn-dev-relay:../../records/Bucket/churn-dev-artifacts",
		"arn:aws:states:local:000000000000:execution:churn-dev-nothing:taken",
		"arn:aws:states:us-east-1:123456789012:execution:churn-dev-relay:taken",
		"taken",
		"",
	} {
		if _, err := w.DescribeExecution(t.Context(), id); sluice.KindOf(err) != sluice.KindNotFound {
			t.Errorf("DescribeExecution(%q): %v, want not found", id, err)
		}
	}
}

// TestCloseAbortsExecution closes a World while a step sleeps: its
// process is killed, the execution ends ABORTED, and the World starts
// no more executions.
func TestCloseAbortsExecution(t *testing.T) {
	workdir := t.TempDir()
	w := runWorld(t, workdir)
	id := mustStart(t, w, machineARN("slow"), "nap-1", "")
	pid := waitForChild(t, "sleep", "30")
	running := waitFor(t, w, id, func(e sluice.Execution) bool { return len(e.Steps) == 1 && e.Steps[0].Log != "" })
	if running.Status != sluice.ExecutionRunning || running.Steps[0].Status != sluice.ExecutionRunning {
		t.Fatalf("before Close: %s with step %+v, want both RUNNING", running.Status, running.Steps[0])
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if alive(pid) {
		t.Errorf("the step's process %d outlived Close", pid)
	}
	e, err := w.DescribeExecution(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != sluice.ExecutionAborted || e.Steps[0].Status != sluice.ExecutionFailed || e.Stopped.IsZero() {
		t.Errorf("after Close: %s with step %+v, want ABORTED with the step stopped", e.Status, e.Steps[0])
	}
	if _, err := w.StartExecution(t.Context(), machineARN("slow"), "nap-2", nil); !errors.Is(err, local.ErrClosed) {
		t.Errorf("StartExecution after Close: %v, want ErrClosed", err)
	}
}

// TestExecutionsOutliveTheWorld opens a second World on the data
// directory of a first: it describes the first's finished execution as
// it ended, and one still running in the first, whose record the first
// keeps up to date, as ABORTED (as it would a record left by a process
// that died).
func TestExecutionsOutliveTheWorld(t *testing.T) {
	workdir := t.TempDir()
	w := runWorld(t, workdir)
	done := waitDone(t, w, mustStart(t, w, machineARN("relay"), "run-1", ""))
	slow := mustStart(t, w, machineARN("slow"), "nap-1", "")

	later, err := local.New(w.Dir(), local.Options{Workdir: workdir})
	if err != nil {
		t.Fatal(err)
	}
	got, err := later.DescribeExecution(t.Context(), done.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != sluice.ExecutionSucceeded || stepStates(got.Steps) != stepStates(done.Steps) || string(got.Output) != string(done.Output) {
		t.Errorf("described by a new World: %+v, want %+v", got, done)
	}
	// The running execution's record is rewritten as it goes: the new
	// World sees its step once the next write is done.
	orphan := waitFor(t, later, slow, func(e sluice.Execution) bool { return len(e.Steps) == 1 && e.Steps[0].Log != "" })
	if orphan.Status != sluice.ExecutionAborted || orphan.Cause != "the process running it stopped" || orphan.Steps[0].Status != sluice.ExecutionFailed {
		t.Errorf("an execution no goroutine of the World runs: %s %q with step %+v, want ABORTED with its step stopped", orphan.Status, orphan.Cause, orphan.Steps[0])
	}
	if list, err := later.Executions(t.Context(), machineARN("slow")); err != nil || len(list) != 1 || list[0].Status != sluice.ExecutionAborted {
		t.Errorf("Executions of slow: %+v, %v", list, err)
	}
}

// TestExecutionTimesOut runs a state machine whose TimeoutSeconds ends
// it during a Wait state: TIMED_OUT with States.Timeout.
func TestExecutionTimesOut(t *testing.T) {
	w := mustWorld(t, local.Options{})
	t.Cleanup(func() { _ = w.Close() })
	spec := `{"definition":{"TimeoutSeconds":1,"StartAt":"w","States":{"w":{"Type":"Wait","Seconds":30,"End":true}}},"name":"churn-dev-wait","roleArn":"r","type":"STANDARD"}`
	mustCreate(t, backend(t, w, sluice.TypeStateMachine), target(sluice.TypeStateMachine, "wait", "churn-dev-wait", spec))
	e := waitDone(t, w, mustStart(t, w, "churn-dev-wait", "", ""))
	if e.Status != sluice.ExecutionTimedOut || e.Error != "States.Timeout" || e.Name == "" {
		t.Errorf("execution %s %s (name %q), want TIMED_OUT States.Timeout under a generated name", e.Status, e.Error, e.Name)
	}
}

// TestExecutionsNewestFirst lists executions newest first and none for
// a state machine that never ran.
func TestExecutionsNewestFirst(t *testing.T) {
	w := runWorld(t, t.TempDir())
	for _, name := range []string{"first", "second", "third"} {
		waitDone(t, w, mustStart(t, w, machineARN("broken"), name, ""))
	}
	list, err := w.Executions(t.Context(), machineARN("broken"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name)
	}
	if strings.Join(names, " ") != "third second first" {
		t.Errorf("Executions: %v, want third second first", names)
	}
	if list, err := w.Executions(t.Context(), "churn-dev-relay"); err != nil || len(list) != 0 {
		t.Errorf("Executions of a state machine that never ran: %v, %v", list, err)
	}
	if _, err := os.Stat(filepath.Join(w.Dir(), "executions", "churn-dev-broken", "first.json")); err != nil {
		t.Errorf("record of execution first: %v", err)
	}
}

// TestTemplateExecution deploys the scaffolded data-processing template
// and runs it through StartExecution: every step of the passing branch
// runs in order, with its log, and each step's artifacts are where the
// next one read them.
func TestTemplateExecution(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found: the template's step programs need it")
	}
	dir, desired := compileTemplate(t, "data-processing", env)
	w := mustWorld(t, local.Options{Workdir: dir})
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, desired)
	sm := firstOf(t, desired, sluice.TypeStateMachine)
	e := waitDone(t, w, mustStart(t, w, sm.Name, "run-1", `{"parameters": {"rows": 300}}`))
	if e.Status != sluice.ExecutionSucceeded {
		t.Fatalf("execution %s %s: %s; steps %+v", e.Status, e.Error, e.Cause, e.Steps)
	}
	if got := stepStates(e.Steps); got != "ingest:SUCCEEDED validate:SUCCEEDED transform:SUCCEEDED publish:SUCCEEDED" {
		t.Errorf("steps %s, want ingest, validate, transform, publish", got)
	}
	for _, s := range e.Steps {
		if _, err := os.Stat(s.Log); err != nil {
			t.Errorf("log of step %s: %v", s.State, err)
		}
	}
	run := filepath.Join(w.BucketDir(firstOf(t, desired, sluice.TypeBucket).Name), "data-processing", "run-1")
	for _, key := range []string{"ingest/raw.csv", "validate/quality-report.json", "validate/outputs.json", "transform/features.csv", "publish/dataset/manifest.json"} {
		if _, err := os.Stat(filepath.Join(run, key)); err != nil {
			t.Errorf("artifact %s: %v", key, err)
		}
	}
}

// TestExecutionRecordsAttemptsAndIterations checks that a retried step
// is one StepRun per attempt, each with its own log, and that each copy
// of a foreach's step is one StepRun whose path names its iteration.
func TestExecutionRecordsAttemptsAndIterations(t *testing.T) {
	w := runWorld(t, t.TempDir())
	flaky := mustStart(t, w, machineARN("flaky"), "run-1", "")
	fan := waitDone(t, w, mustStart(t, w, machineARN("fan"), "run-1", `{"parameters":{}}`))

	e := waitDone(t, w, flaky)
	if e.Status != sluice.ExecutionSucceeded || stepStates(e.Steps) != "try:FAILED try:SUCCEEDED" {
		t.Fatalf("flaky: %s with steps %s, want SUCCEEDED after a failed first try", e.Status, stepStates(e.Steps))
	}
	for i, want := range []string{"first try", "second try"} {
		s := e.Steps[i]
		if s.Attempt != i+1 || !strings.Contains(readFile(t, s.Log), want) {
			t.Errorf("step %d: attempt %d, log %s; want attempt %d logging %q", i, s.Attempt, s.Log, i+1, want)
		}
	}

	if fan.Status != sluice.ExecutionSucceeded || len(fan.Steps) != 5 {
		t.Fatalf("fan: %s with steps %s, want SUCCEEDED with 5 steps", fan.Status, stepStates(fan.Steps))
	}
	paths := map[string]bool{}
	for _, s := range fan.Steps[1:4] {
		paths[s.Path] = s.State == "work" && s.Status == sluice.ExecutionSucceeded
	}
	for i := range 3 {
		if want := fmt.Sprintf("start.foreach/%d/work", i); !paths[want] {
			t.Errorf("fan: no SUCCEEDED step at %s among %v", want, fan.Steps)
		}
	}
	if fan.Steps[0].State != "start" || fan.Steps[4].State != "done" {
		t.Errorf("fan: steps %s, want start first and done last", stepStates(fan.Steps))
	}
}
