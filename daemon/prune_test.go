package daemon_test

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// pruneCounter counts the daemon's deletions of runs past retention.
type pruneCounter struct {
	sluice.RunStore
	calls atomic.Int64
}

func (p *pruneCounter) Prune(ctx context.Context, before time.Time) (int, error) {
	p.calls.Add(1)
	return p.RunStore.Prune(ctx, before)
}

// TestPruneRunsOnTheDaemonClock: the daemon deletes runs past their
// retention once at start and then once an hour of its clock, as a test
// moves it: three simulated hours, three more deletions, no more.
func TestPruneRunsOnTheDaemonClock(t *testing.T) {
	dir := t.TempDir()
	store, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	runs := &pruneCounter{RunStore: store}
	clock := newFakeClock()
	bare := newDemoRepo(t)
	h := startDaemonWith(t, dir, configText(dir, gitserver.FileURL(bare), time.Hour), harnessOptions{clock: clock,
		change: func(o *daemon.Options) { o.Runs = runs }})
	h.bare = bare
	h.waitFor("prod", 30*time.Second, "a plan waiting", func(s daemon.Status) bool { return s.State == daemon.StateWaitingApproval })
	deadline := time.Now().Add(30 * time.Second)
	for runs.calls.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runs.calls.Load(); n != 1 {
		t.Fatalf("%d deletions at start, want 1", n)
	}
	clock.advance(t, 3*time.Hour+time.Minute)
	if n := runs.calls.Load(); n != 4 {
		t.Errorf("%d deletions after three simulated hours, want 4 (one at start, one an hour)", n)
	}
}
