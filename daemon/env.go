package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// envWorker reconciles one environment, one revision at a time. Wakes
// coalesce: a burst of pushes while a reconcile runs makes one more
// reconcile, of the newest head.
type envWorker struct {
	cfg     config.Environment
	repo    *repoWatcher
	store   *statestore.Store
	roll    *rollout.Env
	cache   *compile.Cache
	log     *slog.Logger
	metrics *metrics.Metrics
	clock   func() time.Time
	wakeCh  chan struct{}
	// busy serialises reconciles with approve and rollback.
	busy sync.Mutex

	mu       sync.Mutex
	status   Status
	seenHead string
	// done is the revision last reconciled to completion (applied, or
	// planned and waiting, or found unchanged); an unmoved head equal to
	// it needs no work.
	done      string
	drift     bool
	nextDrift time.Time
	// driftShare is the share of the inventory the next drift tick
	// reads (see driftShares).
	driftShare int
	backoff    time.Duration
	desired    *rollout.Desired
	runs       map[string]runRecord
	// loaded is set when the status came from a previous worker, so
	// the store's meta need not be read.
	loaded bool
	// headLost is set while the branch head cannot be read.
	headLost bool
	// approved is the revision last approved (sync: manual): its
	// changes still in progress are taken further without asking again.
	approved string
}

func newEnvWorker(cfg config.Environment, repo *repoWatcher, store *statestore.Store, roll *rollout.Env, log *slog.Logger, m *metrics.Metrics, clock func() time.Time) *envWorker {
	w := &envWorker{cfg: cfg, repo: repo, store: store, roll: roll, cache: compile.NewCache(),
		log: log.With("env", cfg.Name), metrics: m, clock: clock, wakeCh: make(chan struct{}, 1)}
	w.status = Status{Environment: cfg.Name, Repository: repo.cfg.Name, Branch: cfg.Branch, Backend: string(cfg.Backend),
		Sync: string(cfg.Sync), State: StateUnknown}
	return w
}

// wake asks for a reconcile; drift asks for the applied resources to be
// read back too. A wake while one is pending is absorbed by it.
func (w *envWorker) wake(drift bool) {
	if drift {
		w.mu.Lock()
		w.drift = true
		w.mu.Unlock()
	}
	select {
	case w.wakeCh <- struct{}{}:
	default:
	}
}

// headChanged reports whether the poll's heads move this environment's
// branch (or the poll failed where it had not), remembering what it saw.
func (w *envWorker) headChanged(heads map[string]string, err error) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	seen := "error"
	if err == nil {
		seen = heads[w.cfg.Branch]
	}
	changed := seen != w.seenHead
	w.seenHead = seen
	return changed
}

// run reconciles whenever woken, when a retry is due and every drift
// interval, until stop closes or ctx ends. A reconcile in flight when
// stop closes finishes.
func (w *envWorker) run(ctx context.Context, stop <-chan struct{}) {
	w.loadMeta()
	for {
		w.cycle(ctx)
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-w.wakeCh:
		case <-w.timer():
		}
	}
}

// timer fires when the next retry or drift check is due.
func (w *envWorker) timer() <-chan time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	next := time.Duration(0)
	if w.backoff > 0 {
		next = w.backoff
	}
	if w.cfg.DriftInterval > 0 {
		untilDrift := w.nextDrift.Sub(w.clock())
		if untilDrift < 0 {
			untilDrift = 0
		}
		if next == 0 || untilDrift < next {
			next = untilDrift
		}
	}
	if next == 0 && w.backoff == 0 && w.cfg.DriftInterval == 0 {
		return nil
	}
	return time.After(next)
}

// loadMeta reads what the store remembers of the environment: the last
// applied revision, a rollback pin, a suspension.
func (w *envWorker) loadMeta() {
	w.mu.Lock()
	loaded := w.loaded
	w.mu.Unlock()
	if loaded {
		return
	}
	var m statestore.Meta
	err := w.store.View(func(tx *statestore.Tx) error {
		var err error
		m, err = tx.Meta(w.cfg.Name)
		return err
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.status.Message = "reading the state store: " + err.Error()
		return
	}
	w.status.Applied, w.status.Pinned, w.status.Suspended = m.LastAppliedRevision, m.PinnedRevision, m.Suspended
	w.status.LastSuccess = m.LastAppliedAt
	w.nextDrift = w.clock().Add(jitter(w.cfg.DriftInterval / driftShares))
	if w.cfg.Sync == config.SyncManual {
		w.nextDrift = w.clock().Add(jitter(w.cfg.DriftInterval))
	}
}

// snapshot returns a copy of the status.
func (w *envWorker) snapshot() Status {
	runs := w.recentRuns()
	w.mu.Lock()
	defer w.mu.Unlock()
	s := w.status
	s.Runs = runs
	return s
}

// setState records the state and its reason and exports them.
func (w *envWorker) setState(state, msg string) {
	w.mu.Lock()
	w.status.State, w.status.Message, w.status.Reconciled = state, msg, true
	s := w.status
	w.mu.Unlock()
	w.metrics.SetEnvironment(s.Environment, s.Repository, s.Branch, s.Applied, state)
	w.metrics.SetSynced(s.Environment, state == StateSynced)
}
