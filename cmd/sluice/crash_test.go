package main

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/statestore"
)

// The crash test's repository: 40 pipelines of 4 steps (a state machine
// and 4 job definitions each), a bucket, a compute environment and its
// queue: 203 resources. Each trial takes one slice of pipelines out of
// the repository and puts the previous one back.
const (
	crashPipelines = 40
	crashSteps     = 4
	crashSlice     = 8
	crashKills     = 20
	crashMaxTrials = 40
)

// TestApplyKumoCrash applies a repository of 203 resources, then, over
// trials that each prune a slice of its pipelines and put the previous
// slice back, kills "sluice apply" with SIGKILL at a random moment of its
// run; after each kill it checks the state file and applies to
// completion, after which no resource exists twice in AWS and the
// inventory and the resources carrying Sluice's tags are the same. At the
// end, after an apply that refreshes, a plan finds nothing to do.
func TestApplyKumoCrash(t *testing.T) {
	w := startAWS(t)
	// A pruned state machine is gone at the next Describe, so the applies
	// that get killed are the ones re-creating it (the DELETING wait is
	// tested with the backend).
	w.sfn.DeletingPolls = 0
	dir := crashRepo(t, crashPipelines, crashSteps)
	state := filepath.Join(t.TempDir(), "state.db")
	// The trials' applies do not refresh: they resume from the inventory
	// alone, the path a crash tests. The last apply and plan refresh.
	flags := []string{"--repo", dir, "--env", "dev", "--state", state, "--prune", "--refresh=false"}
	full := timedApply(t, w, flags)
	setPipelines(t, dir, 1)
	window := timedApply(t, w, flags)
	t.Logf("applying %d resources takes %s, a trial's change %s", 3+runEventsResources+crashPipelines*(1+crashSteps), full, window)
	rng := rand.New(rand.NewPCG(3, uint64(time.Now().UnixNano())))
	want := 3 + runEventsResources + (crashPipelines-crashSlice)*(1+crashSteps)
	killed, unsaved, trial := 0, 0, 2
	for ; killed < crashKills && trial < crashMaxTrials; trial++ {
		setPipelines(t, dir, trial)
		if killApply(t, append([]string{"apply"}, flags...), time.Duration(rng.Int64N(int64(window)))) {
			killed++
		}
		checkState(t, state)
		unsaved += w.unsaved(t, state, "crash", "dev")
		w.applyUntilDone(t, flags...)
		if n := w.checkInventory(t, state, "crash", "dev"); n != want || t.Failed() {
			t.Fatalf("trial %d: %d resources in AWS carry Sluice's tags for crash/dev, want %d", trial, n, want)
		}
	}
	t.Logf("%d applies killed in %d trials, leaving %d created resources not yet in the inventory", killed, trial-2, unsaved)
	if killed < crashKills {
		t.Errorf("only %d of %d applies were killed before they ended (a trial's apply takes %s)", killed, trial-2, window)
	}
	w.applyUntilDone(t, flags[:len(flags)-1]...)
	if n := w.checkInventory(t, state, "crash", "dev"); n != want {
		t.Errorf("%d resources in AWS carry Sluice's tags for crash/dev, want %d", n, want)
	}
	if code, out, _ := runCLI(t, "--repo", dir, "plan", "--detailed-exitcode", "--env", "dev", "--state", state, "--prune"); code != exitOK {
		t.Errorf("plan after the crashes has changes (exit %d):\n%s", code, out)
	}
}

// timedApply applies in a child process, then to completion, and returns
// how long the child's apply took.
func timedApply(t *testing.T, w *awsWorld, flags []string) time.Duration {
	t.Helper()
	start := time.Now()
	out, err := cliProcess(t, append([]string{"apply"}, flags...)...).CombinedOutput()
	duration := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("apply in a child process: %v\n%s", err, out)
	}
	w.settle()
	w.applyUntilDone(t, flags...)
	return duration
}

// killApply runs apply in a child process and kills it with SIGKILL after
// delay. It reports whether the kill ended the child (false: it had ended
// on its own).
func killApply(t *testing.T, args []string, delay time.Duration) bool {
	t.Helper()
	cmd := cliProcess(t, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(delay, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	err := cmd.Wait()
	timer.Stop()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && status.Signaled() && status.Signal() == syscall.SIGKILL
}

// checkState opens the state file left by a killed apply, read-only so
// that nothing is repaired first, and runs its consistency check.
func checkState(t *testing.T, path string) {
	t.Helper()
	store, err := statestore.Open(path, statestore.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open the state file after a kill: %v", err)
	}
	defer func() { _ = store.Close() }()
	if err := store.Check(); err != nil {
		t.Fatalf("state file after a kill: %v", err)
	}
}

// setPipelines writes the crash repository's pipelines for trial: all
// but the slice trial-1 (modulo the slices); trial 0 has them all.
func setPipelines(t *testing.T, dir string, trial int) {
	t.Helper()
	out := (trial - 1) % (crashPipelines / crashSlice)
	for i := range crashPipelines {
		path := filepath.Join(dir, crashPipelinePath(i))
		var err error
		if trial == 0 || i/crashSlice != out {
			err = os.WriteFile(path, []byte(crashPipeline(i, crashSteps)), 0o644)
		} else if err = os.Remove(path); errors.Is(err, os.ErrNotExist) {
			err = nil
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
