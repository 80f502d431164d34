package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// commitAll commits every file of the working copy on the checked-out
// branch.
func commitAll(t *testing.T, repo *git.Repository, msg string) plumbing.Hash {
	t.Helper()
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "t", Email: "t@example.com", When: time.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func checkout(t *testing.T, repo *git.Repository, branch string, create bool) {
	t.Helper()
	wt, _ := repo.Worktree()
	if err := wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(branch), Create: create}); err != nil {
		t.Fatal(err)
	}
}

// TestPlanRefKumo previews a promotion: staging is applied from its
// branch, dev gains a pipeline, and `plan --env staging --ref dev`
// shows exactly the new pipeline's resources to create and says the
// merge is a fast-forward; once staging has a commit of its own, it says
// it is not.
func TestPlanRefKumo(t *testing.T) {
	w := startAWS(t)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("dev")}})
	if err != nil {
		t.Fatal(err)
	}
	_ = repo.CreateBranch(&config.Branch{Name: "dev"})
	commitAll(t, repo, "demo")
	checkout(t, repo, "staging", true)
	target := []string{"--repo", dir, "--env", "staging", "--state", filepath.Join(t.TempDir(), "state.db"), "--refresh=false"}
	w.applyUntilDone(t, target...)

	checkout(t, repo, "dev", false)
	pipeline, err := os.ReadFile(filepath.Join(dir, "deploy", "pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	copyDoc := strings.Replace(string(pipeline), "name: training\n", "name: training-copy\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "deploy", "copy.yaml"), []byte(copyDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "a second pipeline")
	checkout(t, repo, "staging", false)

	code, out, errOut := runCLI(t, append([]string{"plan", "--ref", "dev", "--detailed-exitcode"}, target...)...)
	if code != 2 || !strings.Contains(errOut, "promotion dev → staging: a fast-forward") {
		t.Fatalf("plan --ref dev (exit %d, want 2):\n%s\n%s", code, out, errOut)
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "create") && !strings.Contains(line, "training-copy") {
			t.Errorf("the promotion would create something besides the new pipeline: %s", line)
		}
		if strings.Contains(line, "update ") || strings.Contains(line, "delete ") {
			t.Errorf("the promotion would change an existing resource: %s", line)
		}
	}
	if !strings.Contains(out, "StateMachine/training-copy") {
		t.Errorf("the new pipeline's state machine is not in the promotion's plan:\n%s", out)
	}
	if code, out, _ := runCLI(t, append([]string{"plan", "--detailed-exitcode"}, target...)...); code != exitOK {
		t.Errorf("plan of the checkout (staging) has changes (exit %d):\n%s", code, out)
	}

	if err := os.WriteFile(filepath.Join(dir, "NOTES.md"), []byte("staging only\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	commitAll(t, repo, "a staging-only commit")
	_, _, errOut = runCLI(t, append([]string{"plan", "--ref", "dev"}, target...)...)
	if !strings.Contains(errOut, "NOT a fast-forward") {
		t.Errorf("a diverged promotion is not reported:\n%s", errOut)
	}
}
