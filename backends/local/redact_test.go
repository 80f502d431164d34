package local_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/redact"
)

// TestExecutionRedacted runs a step that prints a secret ("boom" here)
// and fails: neither the description nor the record written holds it.
func TestExecutionRedacted(t *testing.T) {
	dir := t.TempDir()
	w, err := local.New(dir, local.Options{Workdir: t.TempDir(), Redact: redact.New([]byte("boom")).String})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, compileFiles(t, map[string]string{"sluice.yaml": runProject, "deploy/docs.yaml": runDocuments}, env))
	e := waitDone(t, w, mustStart(t, w, machineARN("broken"), "run-1", ""))
	if len(e.Steps) != 2 || !strings.Contains(e.Cause, redact.Mask) || !strings.Contains(e.Steps[1].Cause, redact.Mask) {
		t.Fatalf("cause %q, steps %+v: want the printed secret masked", e.Cause, e.Steps)
	}
	for _, text := range []string{e.Cause, e.Steps[1].Cause} {
		if strings.Contains(text, "boom") {
			t.Errorf("described cause holds the secret: %q", text)
		}
	}
	if err := w.Close(); err != nil { // waits for the final record
		t.Fatal(err)
	}
	records, err := filepath.Glob(filepath.Join(dir, "executions", "*", "run-1.json"))
	if err != nil || len(records) != 1 {
		t.Fatalf("records %v, %v", records, err)
	}
	data, err := os.ReadFile(records[0])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "boom") || !strings.Contains(string(data), redact.Mask) {
		t.Errorf("stored record holds the secret or no mask:\n%s", data)
	}
}
