package local_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

// jobWorld is a World with a compute environment of maxVcpus, its
// queue, and a job definition running command with 1 vCPU.
func jobWorld(tb testing.TB, command []string, env map[string]string) *local.World {
	tb.Helper()
	return jobWorldWith(tb, local.Options{Workdir: tb.TempDir()}, command, env)
}

// jobWorldWith is jobWorld with the World's options.
func jobWorldWith(tb testing.TB, opts local.Options, command []string, env map[string]string) *local.World {
	tb.Helper()
	w := mustWorld(tb, opts)
	mustCreate(tb, backend(tb, w, sluice.TypeComputeEnvironment), target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
	mustCreate(tb, backend(tb, w, sluice.TypeJobQueue), target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec))
	mustCreate(tb, backend(tb, w, sluice.TypeJobDefinition), target(sluice.TypeJobDefinition, "step", "churn-dev-step", jobDefSpec(command, "1", env)))
	mustCreate(tb, backend(tb, w, sluice.TypeBucket), target(sluice.TypeBucket, "artifacts", "churn-dev-artifacts", bucketSpec))
	return w
}

// submit builds a submitJob.sync task with the given overrides.
func submit(jobDef string, command []string, env map[string]string) asl.Task {
	var vars []map[string]string
	for k, v := range env {
		vars = append(vars, map[string]string{"Name": k, "Value": v})
	}
	overrides := map[string]any{"Environment": vars}
	if command != nil {
		overrides["Command"] = command
	}
	params, _ := json.Marshal(map[string]any{"JobName": "train-step", "JobQueue": "churn-dev-cpu", "JobDefinition": jobDef, "ContainerOverrides": overrides})
	return asl.Task{Execution: "run-1", State: "step", Path: "step", Resource: local.ResourceSubmitJobSync, Parameters: params, Attempt: 1}
}

type described struct {
	JobID, JobName, Status string
	Container              struct {
		ExitCode      *int
		LogStreamName string
		Command       []string
	}
}

func TestRunTaskSucceeds(t *testing.T) {
	w := jobWorld(t, []string{"sh", "-c", "echo from-definition $GREETING"}, map[string]string{"GREETING": "hello"})
	out, err := w.RunTask(t.Context(), submit("churn-dev-step", nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	var d described
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	if d.Status != "SUCCEEDED" || d.JobName != "train-step" || d.JobID == "" || d.Container.ExitCode == nil || *d.Container.ExitCode != 0 {
		t.Fatalf("result %s, want a SUCCEEDED job with exit code 0", out)
	}
	log, err := os.ReadFile(d.Container.LogStreamName)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"from-definition hello", "image python:3.12-slim is not pulled"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if filepath.Dir(d.Container.LogStreamName) != filepath.Join(w.Dir(), "jobs") {
		t.Errorf("log %s is not under the data directory's jobs/", d.Container.LogStreamName)
	}
}

func TestRunTaskFails(t *testing.T) {
	w := jobWorld(t, []string{"true"}, nil)
	_, err := w.RunTask(t.Context(), submit("churn-dev-step", []string{"sh", "-c", "echo working; echo boom >&2; exit 3"}, nil))
	var f *asl.Failure
	if !errors.As(err, &f) || f.Name != "States.TaskFailed" {
		t.Fatalf("error %v, want a States.TaskFailed failure", err)
	}
	for _, want := range []string{"exited with status 3", "boom", filepath.Join(w.Dir(), "jobs")} {
		if !strings.Contains(f.Cause, want) {
			t.Errorf("cause lacks %q:\n%s", want, f.Cause)
		}
	}
}

// TestRunTaskEnvironmentAndArtifacts checks the environment a job gets
// (definition's, then overrides') and that s3:// prefixes in it and in
// the command become the local bucket's directory.
func TestRunTaskEnvironmentAndArtifacts(t *testing.T) {
	w := jobWorld(t, []string{"true"}, map[string]string{"MODE": "definition", "KEEP": "kept"})
	script := `mkdir -p "$SLUICE_OUTPUT" && printf '%s %s %s' "$MODE" "$KEEP" "$1" > "$SLUICE_OUTPUT/out.txt"`
	task := submit("churn-dev-step", []string{"sh", "-c", script, "sh", "s3://churn-dev-artifacts/input.csv"},
		map[string]string{"MODE": "override", "SLUICE_OUTPUT": "s3://churn-dev-artifacts/train/run-1/prepare"})
	if _, err := w.RunTask(t.Context(), task); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(w.BucketDir("churn-dev-artifacts"), "train", "run-1", "prepare", "out.txt"))
	if err != nil {
		t.Fatalf("artifact not written to the local bucket: %v", err)
	}
	want := "override kept " + filepath.Join(w.BucketDir("churn-dev-artifacts"), "input.csv")
	if string(got) != want {
		t.Errorf("artifact holds %q, want %q", got, want)
	}
}

func TestRunTaskRefusals(t *testing.T) {
	w := jobWorld(t, []string{"true"}, nil)
	big := target(sluice.TypeJobDefinition, "big", "churn-dev-big", jobDefSpec([]string{"true"}, "4", nil))
	mustCreate(t, backend(t, w, sluice.TypeJobDefinition), big)
	tests := []struct {
		name string
		task asl.Task
		want string
	}{
		{"unknown definition", submit("churn-dev-nope", nil, nil), "Batch.ClientException"},
		{"unknown revision", submit("churn-dev-step:9", nil, nil), "Batch.ClientException"},
		{"more vCPUs than the environment has", submit("churn-dev-big", nil, nil), "States.TaskFailed"},
		{"other resource", asl.Task{Resource: "arn:aws:states:::lambda:invoke"}, "States.Runtime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.RunTask(t.Context(), tt.task)
			var f *asl.Failure
			if !errors.As(err, &f) || f.Name != tt.want {
				t.Fatalf("error %v, want a %s failure", err, tt.want)
			}
		})
	}
	arnTask := submit("arn:aws:batch:local:000000000000:job-definition/churn-dev-step:1", []string{"true"}, nil)
	if _, err := w.RunTask(t.Context(), arnTask); err != nil {
		t.Errorf("job definition by ARN: %v", err)
	}
}

// TestRunTaskSlots runs four 1-vCPU jobs on a compute environment of 2
// vCPUs: each job waits until two are running, then records how many
// are; with the pool working every count is exactly 2.
func TestRunTaskSlots(t *testing.T) {
	script := `d=$SLOTS/running; mkdir -p $d $SLOTS/counts; touch $d/$AWS_BATCH_JOB_ID; i=0
while [ $(ls $d | wc -l) -lt 2 ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
ls $d | wc -l > $SLOTS/counts/$AWS_BATCH_JOB_ID; sleep 0.2; rm $d/$AWS_BATCH_JOB_ID`
	w := jobWorld(t, []string{"sh", "-c", script}, map[string]string{"SLOTS": "s3://churn-dev-artifacts/slots"})
	counts := filepath.Join(w.BucketDir("churn-dev-artifacts"), "slots", "counts")
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			_, err := w.RunTask(t.Context(), submit("churn-dev-step", nil, nil))
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(counts)
	if err != nil || len(entries) != 4 {
		t.Fatalf("counts: %v, %d entries, want 4", err, len(entries))
	}
	// Every job saw at most 2 running (the limit holds), and some saw
	// 2 (two ran at once). A job may see only itself when its partner
	// ended before it started, which load on the machine can cause.
	most := 0
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(counts, e.Name()))
		n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if n > 2 {
			t.Errorf("job %s saw %d jobs running, want at most 2", e.Name(), n)
		}
		most = max(most, n)
	}
	if most != 2 {
		t.Errorf("no job saw another running beside it (most seen %d): the slots let fewer than 2 run", most)
	}
}

// TestRunTaskCancelKillsProcessGroup cancels a job whose shell started a
// child and checks both are gone.
func TestRunTaskCancelKillsProcessGroup(t *testing.T) {
	w := jobWorld(t, []string{"true"}, nil)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := w.RunTask(ctx, submit("churn-dev-step", []string{"sh", "-c", "sleep 61 & wait"}, nil))
		done <- err
	}()
	pid := waitForChild(t, "sleep", "61")
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("RunTask returned %v, want context.Canceled", err)
	}
	for i := 0; alive(pid); i++ {
		if i == 100 {
			t.Fatalf("child process %d still running after the job was cancelled", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForChild returns the host PID of a process descended from the
// test's whose command line is cmdline (a sandboxed step's own PID is
// its namespace's), failing the test when none appears.
func waitForChild(t *testing.T, cmdline ...string) int {
	t.Helper()
	want := strings.Join(cmdline, "\x00") + "\x00"
	for range 400 {
		for _, pid := range descendants(os.Getpid()) {
			if b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline")); err == nil && string(b) == want {
				return pid
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("the job never started %q", cmdline)
	return 0
}

// descendants returns the PIDs of the processes descended from root.
func descendants(root int) []int {
	entries, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(fields) > 1 {
			parent[pid], _ = strconv.Atoi(fields[1])
		}
	}
	var out []int
	for pid := range parent {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == root {
				out = append(out, pid)
				break
			}
		}
	}
	return out
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// TestRunTaskWaitForSlotsHonoursContext cancels a job still waiting for
// vCPUs: it returns the context's error and never starts.
func TestRunTaskWaitForSlotsHonoursContext(t *testing.T) {
	w := jobWorld(t, []string{"true"}, nil)
	// The bucket of the job's environment is the one place outside its
	// sandbox that the job and the test both reach.
	release := filepath.Join(w.BucketDir("churn-dev-artifacts"), "release")
	wide := target(sluice.TypeJobDefinition, "wide", "churn-dev-wide", jobDefSpec([]string{"sh", "-c", "while [ ! -e " + release + " ]; do sleep 0.05; done"}, "2", nil))
	mustCreate(t, backend(t, w, sluice.TypeJobDefinition), wide)
	started := filepath.Join(w.BucketDir("churn-dev-artifacts"), "started")
	holder := make(chan error, 1)
	go func() {
		_, err := w.RunTask(t.Context(), submit("churn-dev-wide", []string{"sh", "-c", "echo > " + started + "; while [ ! -e " + release + " ]; do sleep 0.05; done"}, nil))
		holder <- err
	}()
	for i := 0; ; i++ {
		if _, err := os.Stat(started); err == nil {
			break
		}
		if i == 400 {
			t.Fatal("the job holding every slot never started")
		}
		time.Sleep(25 * time.Millisecond)
	}
	ctx, cancel := context.WithCancel(t.Context())
	waiting := make(chan error, 1)
	go func() {
		_, err := w.RunTask(ctx, submit("churn-dev-step", []string{"sh", "-c", "echo ran > " + started}, nil))
		waiting <- err
	}()
	cancel()
	if err := <-waiting; !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting job returned %v, want context.Canceled", err)
	}
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-holder; err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(started); strings.Contains(string(b), "ran") {
		t.Error("the cancelled job ran")
	}
}
