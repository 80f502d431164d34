package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// mendPipeline fails at its second step until the file marker exists;
// its first step counts its runs in counter.
func mendPipeline(marker, counter string) string {
	return fmt.Sprintf(`apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: mend}
spec:
  steps:
    - name: prepare
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT" && echo data > "$SLUICE_OUTPUT/data.txt" && echo run >> %[2]s']
      next: check
    - name: check
      command: [sh, -c, 'test -e %[1]s || exit 5; mkdir -p "$SLUICE_OUTPUT" && cp "$SLUICE_ARTIFACTS/prepare/data.txt" "$SLUICE_OUTPUT/ok.txt"']
      next: after
    - name: after
      command: [sh, -c, 'echo after']
`, marker, counter)
}

// TestResumeExecution fails a run on purpose, resumes it, and finds
// that the new run reused the succeeded step (not run again, its
// artifact copied where the next step reads it) and ran the failed step
// and what follows.
func TestResumeExecution(t *testing.T) {
	dir := t.TempDir()
	marker, counter := filepath.Join(dir, "fixed"), filepath.Join(dir, "prepared")
	store, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	desired := compileFiles(t, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": runDocuments + "---\n" + mendPipeline(marker, counter)}, env)
	w := mustWorld(t, local.Options{Workdir: dir, Runs: store, Sandbox: local.Sandbox{Off: true}})
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, desired)
	ctx := context.Background()

	first := waitDone(t, w, mustStart(t, w, machineARN("mend"), "m1", ""))
	if first.Status != sluice.ExecutionFailed || stepStates(first.Steps) != "prepare:SUCCEEDED check:FAILED" {
		t.Fatalf("first run: %s %s", first.Status, stepStates(first.Steps))
	}
	if _, err := w.ResumeExecution(ctx, first.ID, "m1-again"); err != nil {
		t.Fatal(err) // nothing changed yet: it fails again, which is allowed
	}
	again := waitDone(t, w, executionID("mend", "m1-again"))
	if again.Status != sluice.ExecutionFailed {
		t.Fatalf("resumed before the fix: %s", again.Status)
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	id, err := w.ResumeExecution(ctx, first.ID, "m2")
	if err != nil {
		t.Fatal(err)
	}
	second := waitDone(t, w, id)
	if second.Status != sluice.ExecutionSucceeded || stepStates(second.Steps) != "prepare:SUCCEEDED check:SUCCEEDED after:SUCCEEDED" {
		t.Fatalf("resumed run: %s %s", second.Status, stepStates(second.Steps))
	}
	if runs := strings.Count(readFile(t, counter), "run"); runs != 1 {
		t.Fatalf("prepare ran %d times over three runs, want once (reused after)", runs)
	}
	if second.Steps[0].Log != first.Steps[0].Log {
		t.Errorf("the reused step: %+v, want the origin's log", second.Steps[0])
	}
	rec, err := store.Run(ctx, env, "m2")
	if err != nil || rec.Origin != first.ID || len(rec.Attempts) != 3 || !strings.Contains(rec.Attempts[0].Cause, "reused") {
		t.Fatalf("recorded resumed run: %+v, %v", rec, err)
	}
	if _, err := w.ResumeExecution(ctx, id, ""); sluice.KindOf(err) != sluice.KindConflict {
		t.Fatalf("resuming a run that succeeded: %v, want a conflict", err)
	}
}

func executionID(pipeline, name string) string {
	return strings.Replace(machineARN(pipeline), ":stateMachine:", ":execution:", 1) + ":" + name
}
