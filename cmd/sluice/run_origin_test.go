package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
)

// TestLocalRunFromOrigin runs the training template on the local
// backend without a daemon, then runs it again from evaluate with the
// first run as origin: the steps before evaluate keep the first run's
// jobs (not run again), evaluate and what follows get new ones. The
// second run takes the first one's parameters, so rows, made required,
// is not asked for again; a list past the foreach's cap is refused.
func TestLocalRunFromOrigin(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("the training template's steps are Python programs: python3 is not on PATH")
	}
	dir, local := freshRepo(t)
	cmd := func(args ...string) []string {
		return append(append([]string{"--repo", dir}, args...), append([]string{"--env", "dev"}, local...)...)
	}
	// rows is required: a run from a step takes it from its origin.
	editPipeline(t, dir, "      default: 1500\n", "      required: true\n")
	if code, out, stderr := runCLI(t, cmd("apply")...); code != exitOK {
		t.Fatalf("apply: exit %d\n%s%s", code, out, stderr)
	}
	run := func(args ...string) sluice.Execution {
		t.Helper()
		code, out, stderr := runCLI(t, cmd(append([]string{"run", "training", "-o", "json", "--poll", "50ms"}, args...)...)...)
		var e sluice.Execution
		if code != exitOK || json.Unmarshal([]byte(out), &e) != nil {
			t.Fatalf("run %v: exit %d\n%s%s", args, code, out, stderr)
		}
		return e
	}
	// A list longer than the foreach over it takes is refused before
	// anything runs, as the daemon refuses it.
	many := "learningRates=[" + strings.TrimSuffix(strings.Repeat("0.1,", 4000), ",") + "]"
	code, _, stderr := runCLI(t, cmd("run", "training", "-p", "rows=600", "-p", many)...)
	if code != exitUsage || !strings.Contains(stderr, `parameter "learningRates" has 4000 items; the foreach of step "prepare" runs inline and takes at most`) {
		t.Errorf("run with a list past the foreach's cap: exit %d, want 2 naming it:\n%s", code, stderr)
	}
	first := run("--name", "t1", "-p", "rows=600", "-p", "epochs=40", "-p", "learningRates=[0.3]")
	second := run("--name", "t2", "--from", "evaluate", "--origin", "t1")
	logs := map[string]string{}
	for _, s := range first.Steps {
		logs[s.Path] = s.Log
	}
	var reused, ran []string
	for _, s := range second.Steps {
		if s.Log == logs[s.Path] {
			reused = append(reused, s.State)
		} else {
			ran = append(ran, s.State)
		}
	}
	if strings.Join(reused, " ") != "prepare train pick" || strings.Join(ran, " ") != "evaluate register" {
		t.Errorf("run from evaluate: reused %v, ran %v; want prepare, train and pick reused, evaluate and register run", reused, ran)
	}
	code, _, stderr = runCLI(t, cmd("run", "training", "--from", "evaluate", "--origin", "t9")...)
	if code != exitUsage || !strings.Contains(stderr, "the origin run t9 of training does not exist in dev") {
		t.Errorf("run from an unknown origin: exit %d\n%s", code, stderr)
	}
}
