package daemon_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestApproveAppliesOnlyTheApprovedPlan checks that approving applies
// the plan that waited and no other: a hash that is not the waiting
// plan's is refused, a change made in AWS after the plan was shown makes
// the approval fail with 409 and the new plan, applying nothing, and the
// new plan applies once approved by its hash.
func TestApproveAppliesOnlyTheApprovedPlan(t *testing.T) {
	h, first := newDemo(t)
	h.waitFor("prod", 30*time.Second, "a first plan waiting", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Pending != nil && s.Pending.Revision == first
	})
	path := "/api/v1/environments/prod/approve"
	if code, body := h.post(path, testToken, map[string]string{"revision": first}); code != http.StatusOK {
		t.Fatalf("first approval: %d %s", code, body)
	}
	h.applied("prod", first, daemon.StateSynced)

	second := gitserver.Commit(t, h.bare, "prod", map[string]string{"deploy/extra.yaml": extraPipeline("second")}, "second")
	h.webhook("prod", testSecret, "approve-1")
	shown := h.waitFor("prod", 30*time.Second, "the second plan waiting", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Pending != nil && s.Pending.Revision == second
	})
	if shown.Pending.Hash == "" {
		t.Fatalf("the waiting plan has no hash: %+v", shown.Pending)
	}
	if code, body := h.post(path, testToken, map[string]string{"revision": second, "hash": "0123456789abcdef"}); code != http.StatusConflict {
		t.Errorf("approval of another plan's hash: %d %s, want 409", code, body)
	}

	// AWS moves after the plan was shown: the queue's priority is
	// changed by hand.
	queue := filepath.Join(h.dir, "world", "records", "JobQueue", "demo-prod-cpu.json")
	setPriority(t, queue, 99)
	code, body := h.post(path, testToken, map[string]string{"revision": second, "hash": shown.Pending.Hash})
	if code != http.StatusConflict {
		t.Fatalf("approval after AWS moved: %d %s, want 409", code, body)
	}
	var refused struct {
		Error   string              `json:"error"`
		Pending *daemon.PendingPlan `json:"pending"`
	}
	if err := json.Unmarshal([]byte(body), &refused); err != nil || refused.Pending == nil {
		t.Fatalf("409 body %s: want the new plan (%v)", body, err)
	}
	if refused.Pending.Hash == shown.Pending.Hash || !hasChange(refused.Pending.Plan, "JobQueue/cpu") {
		t.Errorf("the new plan %+v does not show the queue's drift, or has the old hash", refused.Pending.Plan)
	}
	if got := priority(t, queue); got != 99 {
		t.Errorf("the refused approval changed the queue (priority %v)", got)
	}
	if s := h.status("prod"); s.Applied != first || s.State != daemon.StateWaitingApproval {
		t.Errorf("after the refused approval prod applied %.12s, state %s; want %.12s, waiting_approval", s.Applied, s.State, first)
	}
	if code, body := h.post(path, testToken, map[string]string{"revision": second, "hash": refused.Pending.Hash}); code != http.StatusOK {
		t.Fatalf("approval of the new plan: %d %s", code, body)
	}
	h.applied("prod", second, daemon.StateSynced)
	if got := priority(t, queue); got != 10 {
		t.Errorf("after the approved plan the queue's priority is %v, want 10", got)
	}
}

func hasChange(p reconcile.Plan, id string) bool {
	for _, c := range p.Changes {
		if string(c.ID) == id && c.Action.Mutates() {
			return true
		}
	}
	return false
}
