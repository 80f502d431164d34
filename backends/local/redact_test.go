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

// TestJobLogRedacted runs a step that prints a canary secret whole, in
// pieces written apart, in a line longer than the log filter holds, as
// the lines of a secret of several lines, and last without a line end:
// the job's log file holds none of it, and masks each.
func TestJobLogRedacted(t *testing.T) {
	const canary = "canary-7f3a9c2e51"
	const key = "-----BEGIN KEY-----\nline-one-0123456789\nline-two-9876543210\n-----END KEY-----"
	w := jobWorldWith(t, local.Options{Workdir: t.TempDir(), Redact: redact.New([]byte(canary), []byte(key)).String}, []string{"true"}, nil)
	script := `printf '%s\n' "$C"
printf 'start %s' "$P1"; sleep 0.2; printf '%s end\n' "$P2"
head -c 70000 /dev/zero | tr '\0' x; printf '%s' "$C"; head -c 130000 /dev/zero | tr '\0' y; printf '%s\n' "$C"
printf '%s\n' "$K" | while read -r l; do printf '%s\n' "$l"; sleep 0.05; done
printf 'last %s' "$C"`
	_, err := w.RunTask(t.Context(), submit("churn-dev-step", []string{"sh", "-c", script}, map[string]string{"C": canary, "K": key, "P1": canary[:11], "P2": canary[11:]}))
	if err != nil {
		t.Fatal(err)
	}
	logs, err := filepath.Glob(filepath.Join(w.Dir(), "jobs", "*.log"))
	if err != nil || len(logs) != 1 {
		t.Fatalf("logs %v, %v", logs, err)
	}
	data, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, secret := range []string{canary, "canary-7f3a", "9c2e51", "line-one-0123456789", "line-two-9876543210"} {
		if strings.Contains(log, secret) {
			t.Errorf("job log holds %q", secret)
		}
	}
	// Whole, the pieces, twice in the long line, the key's four lines
	// written one by one, and the last: nine masks, and nothing lost
	// around them.
	if n := strings.Count(log, redact.Mask); n != 9 {
		t.Errorf("log holds %d masks, want 9:\n%s", n, strings.NewReplacer(strings.Repeat("x", 1000), "", strings.Repeat("y", 1000), "").Replace(log))
	}
	for _, want := range []string{"start " + redact.Mask + " end", "last " + redact.Mask, strings.Repeat("x", 70000) + redact.Mask + strings.Repeat("y", 130000)} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %.80q", want)
		}
	}
}

// TestJobLeavingAProcessRunning: an unsandboxed step that exits leaving
// a process that holds its output open succeeds, and its log holds what
// it printed, masked.
func TestJobLeavingAProcessRunning(t *testing.T) {
	w := jobWorldWith(t, local.Options{Workdir: t.TempDir(), Sandbox: local.Sandbox{Off: true}, Redact: redact.New([]byte("canary-0042")).String}, []string{"true"}, nil)
	if _, err := w.RunTask(t.Context(), submit("churn-dev-step", []string{"sh", "-c", `sleep 7 & echo "done $C"`}, map[string]string{"C": "canary-0042"})); err != nil {
		t.Fatalf("a step that left a process running: %v", err)
	}
	logs, _ := filepath.Glob(filepath.Join(w.Dir(), "jobs", "*.log"))
	if len(logs) != 1 {
		t.Fatalf("logs %v", logs)
	}
	data, err := os.ReadFile(logs[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "done "+redact.Mask) || strings.Contains(string(data), "canary-0042") {
		t.Errorf("log:\n%s", data)
	}
}
