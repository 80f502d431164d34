package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// freshRepo scaffolds the training template into a folder named churn,
// with the local backend's data under a fresh state directory and no
// PostgreSQL DSN anywhere, and returns the repository's folder and the
// flags that choose the local backend.
func freshRepo(t *testing.T) (string, []string) {
	t.Helper()
	clearFlagDefaults(t)
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "churn")
	if code, _, stderr := runCLI(t, "init", "--template", "training", dir); code != exitOK {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	local := []string{"--backend", "local"}
	if _, err := exec.LookPath("bwrap"); err != nil {
		local = append(local, "--no-sandbox")
	}
	return dir, local
}

// TestLocalCycleFromInit goes from "sluice init" to a successful run on
// the local backend with only the CLI: no AWS, no daemon, no PostgreSQL.
func TestLocalCycleFromInit(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("the training template's steps are Python programs: python3 is not on PATH")
	}
	dir, local := freshRepo(t)
	args := func(cmd string, more ...string) []string {
		return append(append([]string{"--repo", dir, cmd, "--env", "dev"}, local...), more...)
	}
	code, out, stderr := runCLI(t, args("plan", "--detailed-exitcode")...)
	if code != 2 || !strings.Contains(out, "create   StateMachine/training") {
		t.Fatalf("first plan: exit %d, want 2 (changes):\n%s%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "DBInstance/metadata held") || !strings.Contains(stderr, "--postgres-dsn") {
		t.Errorf("the plan does not say the MetadataStore is held and how to give it a server:\n%s", stderr)
	}
	if strings.Contains(out, "DBInstance") {
		t.Errorf("the plan still creates the MetadataStore without a server:\n%s", out)
	}
	code, out, stderr = runCLI(t, args("apply")...)
	if code != exitOK || strings.Count(out, ": done in ") != 8 {
		t.Fatalf("apply: exit %d, want 0 and 8 resources done:\n%s%s", code, out, stderr)
	}
	if strings.Contains(out, "\x1b[") || strings.Contains(out, " elapsed, applying ") {
		t.Errorf("piped apply wrote a live line:\n%q", out)
	}
	if code, out, stderr = runCLI(t, args("plan", "--detailed-exitcode")...); code != exitOK {
		t.Errorf("plan after apply: exit %d, want 0 (no changes):\n%s%s", code, out, stderr)
	}
	// A misspelt parameter is refused before anything runs, as the
	// daemon refuses it.
	code, _, stderr = runCLI(t, append([]string{"--repo", dir, "run", "training", "--env", "dev", "-p", "epoch=20"}, local...)...)
	if code != exitUsage || !strings.Contains(stderr, "the run was not started") || !strings.Contains(stderr, "did you mean") {
		t.Errorf("run with a misspelt parameter: exit %d, want 2 naming it:\n%s", code, stderr)
	}
	if n := countFiles(t, os.Getenv("XDG_STATE_HOME"), "outputs.json"); n != 0 {
		t.Errorf("a refused run left %d outputs: a step ran", n)
	}
	// Steps run from what apply deployed, not from the working tree.
	if err := os.WriteFile(filepath.Join(dir, "steps", "train.py"), []byte("raise SystemExit(3)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, append([]string{"--repo", dir, "run", "training", "--env", "dev", "--poll", "50ms", "-o", "json"}, local...)...)
	if code != exitOK {
		t.Fatalf("run: exit %d, want 0:\n%s%s", code, out, stderr)
	}
	var record struct{ Status, Pipeline string }
	if err := json.Unmarshal([]byte(out), &record); err != nil || record.Status != "SUCCEEDED" || record.Pipeline != "training" {
		t.Errorf("run -o json: %+v (%v) from:\n%s", record, err, out)
	}
	if !strings.Contains(stderr, "train") || !strings.Contains(stderr, "SUCCEEDED") {
		t.Errorf("run -o json does not show its progress on stderr:\n%s", stderr)
	}
	if n := countFiles(t, os.Getenv("XDG_STATE_HOME"), "outputs.json"); n == 0 {
		t.Errorf("no step wrote outputs.json into its output folder")
	}
}

// TestLocalRunNeedsAnApply checks that run on the local backend says
// what to do when nothing is deployed.
func TestLocalRunNeedsAnApply(t *testing.T) {
	dir, local := freshRepo(t)
	code, _, stderr := runCLI(t, append([]string{"--repo", dir, "run", "training", "--env", "dev"}, local...)...)
	if code != exitUsage || !strings.Contains(stderr, "sluice apply --env dev --backend local") {
		t.Errorf("run before apply: exit %d, want 2 naming the apply to make:\n%s", code, stderr)
	}
}

// countFiles counts the files named name under dir.
func countFiles(t *testing.T, dir, name string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() == name {
			n++
		}
		return nil
	})
	return n
}

// TestSavedPlanAppliedExactlyOrRefused saves a plan, applies it, then
// saves another, changes the repository and applies it: refused, with
// nothing applied.
func TestSavedPlanAppliedExactlyOrRefused(t *testing.T) {
	dir, local := freshRepo(t)
	planFile := filepath.Join(t.TempDir(), "dev.plan")
	target := append([]string{"--repo", dir}, local...)
	cmd := func(args ...string) []string { return append(append([]string{args[0]}, target...), args[1:]...) }
	if code, _, stderr := runCLI(t, cmd("plan", "--env", "dev", "-out", planFile)...); code != exitOK {
		t.Fatalf("plan -out: exit %d: %s", code, stderr)
	}
	code, out, stderr := runCLI(t, cmd("apply", planFile)...)
	if code != exitOK || strings.Count(out, ": done") != 8 {
		t.Fatalf("apply of the saved plan (its --env taken from it): exit %d:\n%s%s", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, cmd("plan", "--env", "dev", "-out", planFile)...); code != exitOK {
		t.Fatalf("second plan -out: exit %d: %s", code, stderr)
	}
	editPipeline(t, dir, "default: 100", "default: 120")
	code, out, stderr = runCLI(t, cmd("apply", "--env", "dev", planFile)...)
	if code != exitInvalid || !strings.Contains(stderr, "is stale") || strings.Contains(out, ": done") {
		t.Errorf("apply of a stale plan: exit %d, want 1, stale and nothing done:\n%s%s", code, out, stderr)
	}
	if code, _, _ := runCLI(t, cmd("plan", "--env", "dev", "--detailed-exitcode")...); code != 2 {
		t.Errorf("plan after the refused apply: exit %d, want 2 (the change is still to apply)", code)
	}
	if code, _, stderr := runCLI(t, cmd("apply", "--env", "prod", planFile)...); code != exitUsage || !strings.Contains(stderr, "not prod") {
		t.Errorf("apply of dev's plan to prod: exit %d, want 2: %s", code, stderr)
	}
}
