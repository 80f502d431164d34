package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// gatePipeline's step prints a line, waits for the file go in its output
// folder (the test's gate), then prints another.
const gatePipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: gate
spec:
  steps:
    - name: wait
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT"; echo waiting; while [ ! -e "$SLUICE_OUTPUT/go" ]; do sleep 0.1; done; echo through']
`

// lockedBuffer is a buffer written by a command in one goroutine and
// read by the test in another.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// runAsync runs the CLI in a goroutine; the returned channel gives its
// exit code.
func runAsync(args []string, out *lockedBuffer) <-chan int {
	done := make(chan int, 1)
	go func() { done <- run(args, out, out) }()
	return done
}

// waitOutput waits until out holds want or the command ends (or, as a
// guard against a hang, two minutes pass).
func waitOutput(t *testing.T, out *lockedBuffer, want string, done <-chan int) {
	t.Helper()
	guard := time.After(2 * time.Minute)
	for !strings.Contains(out.String(), want) {
		select {
		case code := <-done:
			t.Fatalf("ended (exit %d) before printing %q:\n%s", code, want, out.String())
		case <-guard:
			t.Fatalf("never printed %q:\n%s", want, out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

var attachRE = regexp.MustCompile(`attach to it again with:\n  (sluice run .*)\n`)

// TestRunDetachAttach: Ctrl-C (SIGINT to this process) detaches sluice
// run from a running run, which goes on, and prints the command that
// attaches to it again; meanwhile sluice logs --follow prints the step's
// log as it is written; that command follows the run to its end once
// the step is let through, and the follower stops with the step.
func TestRunDetachAttach(t *testing.T) {
	dir, server := startLocalRunDaemon(t, gatePipeline)
	client := []string{"--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev"}

	out := &lockedBuffer{}
	done := runAsync(append([]string{"run", "gate", "--name", "g1", "--poll", "50ms"}, client...), out)
	waitOutput(t, out, " wait started", done)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != exitDetached {
		t.Fatalf("sluice run after Ctrl-C: exit %d, want %d\n%s", code, exitDetached, out)
	}
	m := attachRE.FindStringSubmatch(out.String())
	if m == nil || !strings.Contains(out.String(), "detached from run g1, which goes on") {
		t.Fatalf("sluice run after Ctrl-C says no way back:\n%s", out)
	}
	want := "sluice run gate --attach g1 --env dev --server " + server + " --token-file " + filepath.Join(dir, "token")
	if m[1] != want {
		t.Errorf("re-attach command %q, want %q", m[1], want)
	}

	logs := &lockedBuffer{}
	following := runAsync(append([]string{"logs", "g1", "wait", "--follow"}, client...), logs)
	waitOutput(t, logs, "waiting\n", following)

	attached := &lockedBuffer{}
	again := runAsync(append(strings.Fields(m[1])[1:], "--poll", "50ms"), attached)
	waitOutput(t, attached, "attached to run g1 of gate in dev", again)
	gate := filepath.Join(dir, "world", "buckets", "crash-dev-artifacts", "gate", "g1", "wait", "go")
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code := <-again; code != exitOK || !strings.Contains(attached.String(), "run g1 SUCCEEDED") {
		t.Errorf("attached again: exit %d, want 0 with the run's end\n%s", code, attached)
	}
	// The local backend's last line comes after the step's: the follower
	// read the log to its end.
	if code := <-following; code != exitOK || !strings.Contains(logs.String(), "\nwaiting\nthrough\n") ||
		!strings.HasSuffix(logs.String(), "[sluice] job SUCCEEDED: Essential container in task exited\n") {
		t.Errorf("sluice logs --follow: exit %d with %q, want both lines and the end with the step", code, logs)
	}
}
