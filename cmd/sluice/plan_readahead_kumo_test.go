package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanReadAheadKumo: a plan given --state reads the inventory back
// while the repository loads. With nothing changed it plans nothing,
// having read each state machine once (the plan does not read again
// what was read ahead); with a broken pipeline file it reports the file
// and exits invalid.
func TestPlanReadAheadKumo(t *testing.T) {
	q := startQuotaAWS(t, nil)
	dir := writeBenchRepo(t, 2)
	args := []string{"--repo", dir, "--env", "dev", "--state", filepath.Join(t.TempDir(), "state.db")}
	q.applyRounds(t, false, args...)
	r := q.measure(func() {
		if code, out, errOut := runCLI(t, append([]string{"plan", "--detailed-exitcode"}, args...)...); code != exitOK || !strings.Contains(errOut, "AWS calls:") {
			t.Errorf("plan with nothing changed: exit %d, want 0 and a call count:\n%s\n%s", code, out, errOut)
		}
	})
	for op, want := range map[string]int{"SFN.DescribeStateMachine": 2, "Resource Groups Tagging API.GetResources": 1} {
		if n := r.counts[op].Passed; n != want {
			t.Errorf("%s: %d calls, want %d (one per state machine, one tagging call):\n%s", op, n, want, r.table)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "deploy", "pipelines", "p0001.yaml"), []byte("kind: Pipeline\nmetadata: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, append([]string{"plan"}, args...)...)
	if code != exitInvalid || !strings.Contains(out+errOut, "p0001.yaml") {
		t.Errorf("plan of a broken file: exit %d, want %d naming p0001.yaml:\n%s\n%s", code, exitInvalid, out, errOut)
	}
}
