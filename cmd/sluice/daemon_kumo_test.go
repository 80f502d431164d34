package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// daemonConfig is a configuration of one aws environment, dev, watching
// url, for the AWS world startAWS makes (its endpoints come from the
// environment variables it sets).
func daemonConfig(t *testing.T, url, state string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "daemon.yaml")
	text := fmt.Sprintf(`listen: 127.0.0.1:0
stateFile: %s
apiToken: {env: SLUICE_TEST_API_TOKEN}
repositories:
  - name: crash
    url: %s
    pollInterval: 5s
%s`, state, url, awsDevEnvironments)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// awsDevEnvironments is a repository's environments in a daemon
// configuration: dev, on the AWS world startAWS makes, pruning, with no
// drift checks.
const awsDevEnvironments = `    environments:
      - name: dev
        branch: dev
        backend: aws
        aws:
          region: us-east-1
          statesRoleArn: arn:aws:iam::000000000000:role/states
          schedulerRoleArn: arn:aws:iam::000000000000:role/scheduler
          s3PathStyle: true
        prune: true
        driftInterval: 0s
`

var listeningRE = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// startDaemonProcess runs `sluice daemon` in a child process and returns
// it with the address its API listens on.
func startDaemonProcess(t *testing.T, config string) (*exec.Cmd, string) {
	t.Helper()
	cmd := cliProcess(t, "daemon", "--config", config, "--log-format", "json")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	select {
	case a := <-addr:
		return cmd, "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("the daemon did not start listening within 30s")
	}
	return nil, ""
}

// waitSynced polls `sluice status` until dev has applied revision.
func waitSynced(t *testing.T, server, revision string, limit time.Duration) daemon.Status {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		code, out, errOut := runCLI(t, "status", "--server", server, "--env", "dev", "--format", "json")
		var list []daemon.Status
		if code == exitOK && json.Unmarshal([]byte(out), &list) == nil && len(list) == 1 {
			if s := list[0]; s.Applied == revision && s.State == daemon.StateSynced {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev did not apply %.12s within %s: %s %s", revision, limit, out, errOut)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestDaemonKumoKilledMidApply runs the daemon against the AWS emulator
// and kills it with SIGKILL in the middle of its first apply; restarted,
// it converges with no duplicate and no orphan, and the state file passes
// its check. A push then deploys only its change, and SIGTERM stops the
// daemon cleanly.
func TestDaemonKumoKilledMidApply(t *testing.T) {
	w := startAWS(t)
	w.sfn.DeletingPolls = 0
	settleEvery(t, w, 300*time.Millisecond)
	t.Setenv("SLUICE_TEST_API_TOKEN", "token")
	const pipelines = 12
	bare := gitserver.NewRepo(t, crashFiles(pipelines, crashSteps), "dev")
	state := filepath.Join(t.TempDir(), "state.db")
	config := daemonConfig(t, gitserver.FileURL(bare), state)
	first := gitserver.Head(t, bare, "dev")

	want := 3 + runEventsResources + pipelines*(1+crashSteps)
	// Each daemon is killed once the apply has registered a share of
	// the job definitions (cumulated over the restarts): mid-apply
	// however fast the machine is, with more of it done at each round.
	definitions := pipelines * crashSteps
	for round, share := range []int{1, 4, 7} {
		cmd, _ := startDaemonProcess(t, config)
		killAfter(t, w, cmd, "RegisterJobDefinition", definitions*share/10)
		checkState(t, state)
		if n := len(records(t, state, "dev")); n >= want {
			t.Fatalf("round %d: %d resources recorded when the daemon was killed, want fewer than %d: the kill did not come mid-apply", round, n, want)
		}
	}

	cmd, server := startDaemonProcess(t, config)
	waitSynced(t, server, first, 3*time.Minute)

	// A run through Step Functions: started by the daemon, followed by
	// sluice run (the fake scripts every step to succeed).
	t.Setenv("SLUICE_TOKEN", "token")
	code, out, errOut := runCLI(t, "run", "p001", "--env", "dev", "--server", server, "--poll", "50ms")
	if code != exitOK || !strings.Contains(out, "ok  s0") || !strings.Contains(out, "SUCCEEDED") {
		t.Errorf("sluice run p001 on AWS: exit %d\n%s\n%s", code, out, errOut)
	}

	second := gitserver.Commit(t, bare, "dev", map[string]string{crashPipelinePath(0): gitserver.Delete}, "drop p000")
	s := waitSynced(t, server, second, time.Minute)
	if s.Managed != want-(1+crashSteps) {
		t.Errorf("after deleting one pipeline %d resources are managed, want %d", s.Managed, want-(1+crashSteps))
	}
	code, out, errOut = runCLI(t, "history", "--server", server, "--env", "dev")
	if code != exitOK || !regexp.MustCompile(second+`\s+succeeded`).MatchString(out) {
		t.Errorf("sluice history (exit %d) does not list %s as succeeded:\n%s%s", code, second, out, errOut)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("the daemon did not stop cleanly on SIGTERM: %v", err)
	}
	checkState(t, state)
	if n := w.checkInventory(t, state, "crash", "dev"); n != want-(1+crashSteps) {
		t.Errorf("%d resources carry Sluice's tags for crash/dev, want %d", n, want-(1+crashSteps))
	}
}

// killAfter kills cmd with SIGKILL as soon as the Batch fake has answered
// n calls of operation, and waits for it to exit.
func killAfter(t *testing.T, w *awsWorld, cmd *exec.Cmd, operation string, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for count(w.batch.Calls(), operation) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the daemon made %d %s calls in 3 minutes, want %d before the kill", count(w.batch.Calls(), operation), operation, n)
		}
		time.Sleep(time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}

func count(calls []string, operation string) int {
	n := 0
	for _, c := range calls {
		if c == operation {
			n++
		}
	}
	return n
}

// settleEvery completes the Batch fake's transitions every d, as AWS
// completes them in its own time, until the test ends.
func settleEvery(tb testing.TB, w *awsWorld, d time.Duration) {
	stop := make(chan struct{})
	tb.Cleanup(func() { close(stop) })
	go func() {
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				w.settle()
			}
		}
	}()
}
