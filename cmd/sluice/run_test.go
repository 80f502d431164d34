package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/gitserver"
)

const runPipelines = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: hello
spec:
  parameters:
    who: {type: string, default: world}
  steps:
    - name: greet
      command: [sh, -c, 'echo "hello $(printf %s "$SLUICE_PARAMETERS")"; mkdir -p "$SLUICE_OUTPUT"; echo "$SLUICE_PARAMETERS" > "$SLUICE_OUTPUT/greeting.json"']
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: boom
spec:
  steps:
    - name: explode
      command: [sh, -c, 'echo "the model diverged" >&2; exit 3']
`

// TestRunLocal starts the daemon on the local backend in a child process
// and runs pipelines with `sluice run`: a run that succeeds exits 0 and
// its step saw the parameters given with -p; a run whose step fails exits
// 1 and prints the step's error output.
func TestRunLocal(t *testing.T) {
	dir, server := startLocalRunDaemon(t, runPipelines)
	client := []string{"--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev", "--poll", "100ms"}

	code, out, errOut := runCLI(t, append([]string{"run", "hello", "-p", "who=sluice", "--name", "first"}, client...)...)
	if code != exitOK || !strings.Contains(out, "ok  greet") || !strings.Contains(out, "SUCCEEDED") {
		t.Fatalf("sluice run hello: exit %d\n%s\n%s", code, out, errOut)
	}
	greeting, err := os.ReadFile(filepath.Join(dir, "world", "buckets", "crash-dev-artifacts", "hello", "first", "greet", "greeting.json"))
	if err != nil || !strings.Contains(string(greeting), `"who":"sluice"`) {
		t.Errorf("the step did not see -p who=sluice in its artifacts: %q, %v", greeting, err)
	}
	if code, out, errOut := runCLI(t, append([]string{"run", "hello", "--name", "first"}, client...)...); code != exitUsage || !strings.Contains(errOut, "409 Conflict") {
		t.Errorf("a second run named first: exit %d, want 2 with 409 Conflict (the name is taken)\n%s\n%s", code, out, errOut)
	}

	code, out, errOut = runCLI(t, append([]string{"run", "boom"}, client...)...)
	if code != exitInvalid || !strings.Contains(out, "FAIL explode") || !strings.Contains(out, "the model diverged") {
		t.Errorf("sluice run boom: exit %d, want 1 with the step's error output\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, append([]string{"run", "nosuch"}, client...)...); code != exitUsage || !strings.Contains(errOut, "not deployed") {
		t.Errorf("sluice run of an unknown pipeline: exit %d\n%s", code, errOut)
	}
	code, out, _ = runCLI(t, "status", "--server", server, "--env", "dev")
	if code != exitOK || !regexp.MustCompile(`hello\s+first\s+SUCCEEDED`).MatchString(out) || !regexp.MustCompile(`boom\s+\S+\s+FAILED`).MatchString(out) {
		t.Errorf("sluice status --env dev does not list the runs (exit %d):\n%s", code, out)
	}
}

// startLocalRunDaemon starts, in a child process, a daemon whose
// environment dev deploys the crash project with pipelines on the local
// backend, and waits until it applied the branch head. It returns the
// daemon's folder (its API token in DIR/token, its world in DIR/world)
// and its address.
func startLocalRunDaemon(t *testing.T, pipelines string) (dir, server string) {
	t.Helper()
	files := map[string]string{"sluice.yaml": crashProject, "deploy/infra.yaml": crashInfra, "deploy/pipelines.yaml": pipelines}
	bare := gitserver.NewRepo(t, files, "dev")
	dir = t.TempDir()
	config := filepath.Join(dir, "daemon.yaml")
	text := fmt.Sprintf(`listen: 127.0.0.1:0
stateFile: %s
apiToken: {file: %s}
repositories:
  - name: run
    url: %s
    environments:
      - name: dev
        branch: dev
        backend: local
        local: {dir: %s}
`, filepath.Join(dir, "state.db"), filepath.Join(dir, "token"), gitserver.FileURL(bare), filepath.Join(dir, "world"))
	for path, body := range map[string]string{config: text, filepath.Join(dir, "token"): "secret-token-value\n"} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	_, server = startDaemonProcess(t, config)
	waitSynced(t, server, gitserver.Head(t, bare, "dev"), time.Minute)
	return dir, server
}
