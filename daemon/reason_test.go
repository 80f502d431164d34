package daemon_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// TestStatusNamesTheReason makes the backend refuse a change as not
// Sluice's: the status carries the reason as a field and in its message,
// and so does the ERROR line; once the change goes through, the reason
// is gone.
func TestStatusNamesTheReason(t *testing.T) {
	bare := newDemoRepo(t)
	r := newFaultRig(t, bare, "", time.Hour)
	r.refuse.Store(true)
	edit(t, bare, "dev", "refused")
	r.h.webhook("dev", testSecret, "refused")
	s := r.h.waitFor("dev", 30*time.Second, "the refused apply", func(s daemon.Status) bool { return s.State == daemon.StateFailed })
	if s.Reason != "NotOwned" || !strings.Contains(s.Message, "(reason: NotOwned)") {
		t.Errorf("status reason %q, message %q: want NotOwned in both", s.Reason, s.Message)
	}
	if lines := r.logs.matching(slog.LevelError, "reconcile failed", map[string]string{"env": "dev", "reason": "NotOwned"}); len(lines) != 1 {
		t.Errorf("ERROR lines with reason NotOwned: %v, want 1", lines)
	}
	r.refuse.Store(false)
	edit(t, bare, "dev", "accepted")
	r.h.webhook("dev", testSecret, "accepted")
	s = r.h.waitFor("dev", 30*time.Second, "the apply", func(s daemon.Status) bool { return s.State == daemon.StateSynced })
	if s.Reason != "" {
		t.Errorf("synced with reason %q, want none", s.Reason)
	}
}

// TestDaemonLogsWhatWasLeftBehind prunes a pipeline whose deletion leaves
// something in place (as Batch leaves revisions registered by hand): the
// daemon logs what, for which resource.
func TestDaemonLogsWhatWasLeftBehind(t *testing.T) {
	bare := newDemoRepo(t)
	r := newFaultRig(t, bare, "", time.Hour)
	edit(t, bare, "dev", "added")
	r.h.webhook("dev", testSecret, "added")
	r.h.applied("dev", gitserver.Head(t, bare, "dev"), daemon.StateSynced)
	r.leaveBehind.Store(true)
	removed := gitserver.Commit(t, bare, "dev", map[string]string{"deploy/extra.yaml": gitserver.Delete}, "remove extra")
	r.h.webhook("dev", testSecret, "removed")
	r.h.applied("dev", removed, daemon.StateSynced)
	lines := r.logs.matching(slog.LevelInfo, "change done, something left in place", map[string]string{"env": "dev", "revision": removed})
	if len(lines) == 0 {
		t.Fatal("no log line says what the pruning left in place")
	}
	for _, l := range lines {
		if l["action"] != "delete" || !strings.Contains(l["note"], "registered by hand") || l["resource"] == "" {
			t.Errorf("log line %v: want the deletion, its resource and what it left", l)
		}
	}
}
