package daemon_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/statestore"
)

// newDemo makes the demo repository with dev, staging and prod on one
// commit and starts a daemon on it over url (file:// when empty) with a
// poll interval of an hour, so that only webhooks wake it.
func newDemo(t *testing.T) (*harness, string) {
	bare := gitserver.NewRepo(t, demoFiles(t), "dev")
	gitserver.Branch(t, bare, "dev", "staging")
	gitserver.Branch(t, bare, "dev", "prod")
	dir := t.TempDir()
	h := startDaemon(t, dir, configText(dir, gitserver.FileURL(bare), time.Hour))
	h.bare = bare
	return h, gitserver.Head(t, bare, "dev")
}

// edit commits a change of the training pipeline's description on dev.
func edit(t *testing.T, bare, branch, what string) string {
	t.Helper()
	return gitserver.Commit(t, bare, branch, map[string]string{"deploy/extra.yaml": extraPipeline(what)}, what)
}

// extraPipeline is a small pipeline document whose description is what.
func extraPipeline(what string) string {
	return `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: extra
  description: "` + what + `"
spec:
  image: python:3.12
  artifactStore: artifacts
  compute: cpu
  steps:
    - name: hello
      command: [python3, -c, "print('hello')"]
`
}

func TestDaemonDeploysPromotesAndWaitsForApproval(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	h.applied("staging", first, daemon.StateSynced)
	prod := h.waitFor("prod", 30*time.Second, "a plan waiting for approval", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Pending != nil && s.Pending.Revision == first
	})
	if prod.Applied != "" || prod.Pending.Plan.Empty() {
		t.Fatalf("prod applied %q before approval, or its plan is empty: %+v", prod.Applied, prod.Pending)
	}

	second := edit(t, h.bare, "dev", "second")
	if code := h.webhook("dev", testSecret, "delivery-1"); code != http.StatusAccepted {
		t.Fatalf("webhook answered %d, want 202", code)
	}
	dev := h.applied("dev", second, daemon.StateSynced)
	if !hasPipeline(dev, "extra") {
		t.Errorf("dev's pipelines after the push: %+v, want extra among them", dev.Pipelines)
	}

	third := edit(t, h.bare, "dev", "third")
	if code := h.webhook("dev", "not-the-secret", "delivery-2"); code != http.StatusUnauthorized {
		t.Fatalf("badly signed webhook answered %d, want 401", code)
	}
	time.Sleep(300 * time.Millisecond)
	if s := h.status("dev"); s.Applied != second || s.Head != second {
		t.Fatalf("a badly signed webhook triggered a reconcile: head %.12s applied %.12s", s.Head, s.Applied)
	}
	if code := h.webhook("dev", testSecret, "delivery-2b"); code != http.StatusAccepted {
		t.Fatalf("webhook answered %d, want 202", code)
	}
	h.applied("dev", third, daemon.StateSynced)

	promoted := gitserver.Merge(t, h.bare, "dev", "staging")
	h.webhook("staging", testSecret, "delivery-3")
	staging := h.applied("staging", promoted, daemon.StateSynced)
	if !hasPipeline(staging, "extra") {
		t.Errorf("staging's pipelines after the promotion: %+v, want extra", staging.Pipelines)
	}

	approve(t, h, first)
	checkHistory(t, h, "dev", []string{third, second, first})
}

// approve checks that approving prod needs the token and the waiting
// revision, then approves first.
func approve(t *testing.T, h *harness, first string) {
	t.Helper()
	path := "/api/v1/environments/prod/approve"
	if code, body := h.post(path, "", map[string]string{"revision": first}); code != http.StatusUnauthorized {
		t.Errorf("approve without a token: %d %s, want 401", code, body)
	}
	if code, body := h.post(path, testToken, map[string]string{"revision": strings.Repeat("0", 40)}); code != http.StatusConflict {
		t.Errorf("approve of another revision: %d %s, want 409", code, body)
	}
	if code, body := h.post(path, testToken, map[string]string{"revision": first[:12]}); code != http.StatusOK {
		t.Fatalf("approve: %d %s", code, body)
	}
	if s := h.applied("prod", first, daemon.StateSynced); s.Pending != nil {
		t.Errorf("prod still has a pending plan after the approval: %+v", s.Pending)
	}
}

func checkHistory(t *testing.T, h *harness, env string, want []string) {
	t.Helper()
	var got []statestore.Entry
	h.getJSON("/api/v1/environments/"+env+"/history", &got)
	if len(got) < len(want) {
		t.Fatalf("history of %s has %d entries, want at least %d: %+v", env, len(got), len(want), got)
	}
	for i, rev := range want {
		if got[i].Revision != rev || got[i].Result != "succeeded" {
			t.Errorf("history[%d] = %.12s %s, want %.12s succeeded", i, got[i].Revision, got[i].Result, rev)
		}
	}
}

func hasPipeline(s daemon.Status, name string) bool {
	for _, p := range s.Pipelines {
		if p.Name == name {
			return true
		}
	}
	return false
}

func TestDaemonRollbackHoldsUntilResume(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	second := edit(t, h.bare, "dev", "second")
	h.webhook("dev", testSecret, "d1")
	h.applied("dev", second, daemon.StateSynced)

	if code, body := h.post("/api/v1/environments/dev/rollback", testToken, map[string]string{"revision": "feedbeef00"}); code != http.StatusConflict {
		t.Errorf("rollback to a revision never applied: %d %s, want 409", code, body)
	}
	if code, body := h.post("/api/v1/environments/dev/rollback", testToken, map[string]string{"revision": first}); code != http.StatusOK {
		t.Fatalf("rollback: %d %s", code, body)
	}
	s := h.applied("dev", first, daemon.StateRolledBack)
	if hasPipeline(s, "extra") || s.Pinned != first {
		t.Errorf("after the rollback: pinned %.12s, pipelines %+v", s.Pinned, s.Pipelines)
	}

	third := edit(t, h.bare, "dev", "third")
	h.webhook("dev", testSecret, "d2")
	h.waitFor("dev", 10*time.Second, "the new head seen", func(s daemon.Status) bool { return s.Head == third })
	time.Sleep(300 * time.Millisecond)
	if s := h.status("dev"); s.Applied != first || s.State != daemon.StateRolledBack {
		t.Fatalf("a push undid the rollback: applied %.12s, state %s", s.Applied, s.State)
	}

	if code, body := h.post("/api/v1/environments/dev/resume", testToken, nil); code != http.StatusOK {
		t.Fatalf("resume: %d %s", code, body)
	}
	h.applied("dev", third, daemon.StateSynced)
	checkHistory(t, h, "dev", []string{third, first, second, first})
}

func TestDaemonDeletesNothingOnForcePushOrDeletedBranch(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	second := edit(t, h.bare, "dev", "second")
	h.webhook("dev", testSecret, "d1")
	before := h.applied("dev", second, daemon.StateSynced).Managed

	// Rewrite the last commit without the extra pipeline: dev prunes,
	// but not what a rewritten history dropped.
	forced := gitserver.ForcePush(t, h.bare, "dev", map[string]string{"deploy/extra.yaml": gitserver.Delete}, "rewritten")
	h.webhook("dev", testSecret, "d2")
	s := h.applied("dev", forced, daemon.StateSynced)
	if s.Managed != before {
		t.Errorf("after a force-push %d resources are managed, %d before: something was pruned", s.Managed, before)
	}
	if !stateMachineExists(t, h, "extra") {
		t.Error("the force-push deleted the extra pipeline's state machine")
	}

	gitserver.DeleteBranch(t, h.bare, "dev")
	h.webhook("dev", testSecret, "d3")
	s = h.waitFor("dev", 10*time.Second, "the deleted branch reported", func(s daemon.Status) bool {
		return strings.Contains(s.Message, "gone from the remote")
	})
	if s.Applied != forced || !stateMachineExists(t, h, "extra") || !stateMachineExists(t, h, "training") {
		t.Errorf("a deleted branch changed the environment: applied %.12s", s.Applied)
	}
}

// stateMachineExists reports whether the local world still holds dev's
// state machine of pipeline.
func stateMachineExists(t *testing.T, h *harness, pipeline string) bool {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(h.dir, "world", "*", "StateMachine", "*dev*"+pipeline+"*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(matches) > 0
}
