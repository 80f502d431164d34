package daemon_test

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// TestLastSuccessIsHonest checks what the alerts read: a commit that
// changes nothing deployable is a success of a sync: manual environment
// and is applied (so it is in sync); a poll that finds a branch unmoved
// is a success; the last success is exported again after a restart,
// before any reconcile succeeds.
func TestLastSuccessIsHonest(t *testing.T) {
	bare := newDemoRepo(t)
	r := newFaultRig(t, bare, "", 10*time.Second)
	if code, body := r.h.post("/api/v1/environments/prod/approve", testToken, map[string]string{"revision": r.first}); code != http.StatusOK {
		t.Fatalf("approve: %d %s", code, body)
	}
	approved := lastSuccess(t, r.h, "prod")

	docs := gitserver.Commit(t, bare, "prod", map[string]string{"README.md": "notes only\n"}, "docs only")
	r.clock.waitPending(t, 4)
	r.clock.advance(t, 11*time.Second) // the next poll
	r.h.applied("prod", docs, daemon.StateSynced)
	noop := lastSuccess(t, r.h, "prod")
	if !noop.After(approved) {
		t.Errorf("prod's last success is %s after a commit with nothing to change, %s before", noop, approved)
	}
	if v := counter(t, r.h, "sluice_environment_synced", map[string]string{"environment": "prod"}); v != 1 {
		t.Errorf("sluice_environment_synced{prod} = %v with the head applied, want 1", v)
	}

	devBefore := lastSuccess(t, r.h, "dev")
	r.clock.advance(t, 11*time.Second)
	r.h.waitFor("dev", 30*time.Second, "an unmoved branch counted as a success", func(daemon.Status) bool {
		return lastSuccess(t, r.h, "dev").After(devBefore)
	})
	shown := lastSuccess(t, r.h, "prod")

	// Restart with the remote gone: every reconcile fails, and the last
	// success is the one saved.
	r.h.stop()
	if err := os.Rename(bare, bare+".gone"); err != nil {
		t.Fatal(err)
	}
	h := startDaemonWith(t, r.h.dir, r.text, harnessOptions{clock: r.clock})
	h.waitFor("prod", 30*time.Second, "the lost remote", func(s daemon.Status) bool { return s.State == daemon.StateFailed })
	restored := lastSuccess(t, h, "prod")
	if restored.Before(noop) || restored.After(shown) {
		t.Errorf("after a restart prod's last success is %s, want between %s (saved) and %s (shown before)", restored, noop, shown)
	}
	if v := counter(t, h, "sluice_environment_synced", map[string]string{"environment": "prod"}); v != 0 {
		t.Errorf("sluice_environment_synced{prod} = %v while its remote is lost, want 0", v)
	}
}

// lastSuccess reads env's sluice_last_successful_reconcile_timestamp_seconds,
// failing when it is absent.
func lastSuccess(t *testing.T, h *harness, env string) time.Time {
	t.Helper()
	fams := scrape(t, h)
	for _, m := range fams["sluice_last_successful_reconcile_timestamp_seconds"].GetMetric() {
		if labels(m)["environment"] == env {
			return time.Unix(0, int64(m.GetGauge().GetValue()*1e9)).UTC()
		}
	}
	t.Fatalf("no sluice_last_successful_reconcile_timestamp_seconds for %s", env)
	return time.Time{}
}
