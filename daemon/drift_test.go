package daemon_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/statestore"
)

// TestDaemonRepairsDrift changes a job queue by hand on the local
// backend, asks for a sync (a full drift check), and checks that the
// daemon finds the drift and puts the queue back.
func TestDaemonRepairsDrift(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	path := filepath.Join(h.dir, "world", "records", "JobQueue", "demo-dev-cpu.json")
	setPriority(t, path, 99)
	if code, body := h.post("/api/v1/environments/dev/sync", testToken, nil); code != 200 {
		t.Fatalf("sync: %d %s", code, body)
	}
	s := h.waitFor("dev", 30*time.Second, "the drift found", func(s daemon.Status) bool { return s.Drifted == 1 })
	if s.State != daemon.StateSynced {
		t.Errorf("after repairing the drift dev is %s: %s", s.State, s.Message)
	}
	if got := priority(t, path); got != 10 {
		t.Errorf("the queue's priority is %v after the repair, want 10 (the documents' value)", got)
	}

	// A drift check that finds nothing adds no history: history is what
	// a rollback can go back to.
	var before, after []statestore.Entry
	h.getJSON("/api/v1/environments/dev/history", &before)
	if code, body := h.post("/api/v1/environments/dev/sync", testToken, nil); code != 200 {
		t.Fatalf("sync: %d %s", code, body)
	}
	h.waitFor("dev", 30*time.Second, "a clean drift check", func(s daemon.Status) bool { return s.Drifted == 0 })
	h.getJSON("/api/v1/environments/dev/history", &after)
	if len(after) != len(before) {
		t.Errorf("a drift check that found nothing added %d history entries", len(after)-len(before))
	}
}

func setPriority(t *testing.T, path string, p int) {
	t.Helper()
	var rec map[string]any
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &rec) != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	rec["spec"].(map[string]any)["priority"] = p
	data, _ = json.Marshal(rec)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func priority(t *testing.T, path string) float64 {
	t.Helper()
	var rec struct {
		Spec struct {
			Priority float64 `json:"priority"`
		} `json:"spec"`
	}
	data, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(data, &rec) != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return rec.Spec.Priority
}
