package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fanPipeline fans out over two items; the second copy fails its first
// attempt and succeeds on its retry.
const fanPipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: fan
spec:
  parameters:
    xs: {type: list, default: [1, 2]}
  steps:
    - name: start
      command: [sh, -c, 'echo started']
      foreach: {over: parameters.xs, step: work, join: end}
    - name: work
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT"; if [ "$SLUICE_FOREACH_ITEM" = 2 ] && [ ! -e "$SLUICE_OUTPUT/tried" ]; then touch "$SLUICE_OUTPUT/tried"; echo failing; exit 1; fi; echo "item $SLUICE_FOREACH_ITEM"']
      retry: {attempts: 1, delay: 1s}
      next: end
    - name: end
      command: [sh, -c, 'echo ended']
`

// TestLogsFollowWholeRun: sluice logs RUN --follow, started with the
// run on the local backend, prints every attempt's lines as they come,
// the foreach copies' and the retry's included, each prefixed with its
// step, copy and attempt, and ends with the run.
func TestLogsFollowWholeRun(t *testing.T) {
	dir, server := startLocalRunDaemon(t, fanPipeline)
	client := []string{"--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev"}
	if code, out, errOut := runCLI(t, append([]string{"run", "fan", "--name", "f1", "--detach"}, client...)...); code != exitOK {
		t.Fatalf("sluice run --detach: exit %d\n%s%s", code, out, errOut)
	}
	logs := &lockedBuffer{}
	select {
	case code := <-runAsync(append([]string{"logs", "f1", "--follow"}, client...), logs):
		if code != exitOK {
			t.Fatalf("sluice logs --follow: exit %d\n%s", code, logs)
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("sluice logs --follow did not end with the run:\n%s", logs)
	}
	out := logs.String()
	for _, want := range []string{"[start attempt 1] started\n", "[work/0 attempt 1] item 1\n", "[work/1 attempt 1] failing\n",
		"[work/1 attempt 2] item 2\n", "[end attempt 1] ended\n", "[end attempt 1] [sluice] job SUCCEEDED"} {
		if !strings.Contains(out, want) {
			t.Errorf("sluice logs --follow lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if !strings.HasPrefix(line, "[") {
			t.Errorf("a line without its attempt: %q", line)
		}
	}
}
