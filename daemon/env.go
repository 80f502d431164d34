package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// envWorker reconciles one environment, one revision at a time. Wakes
// coalesce: a burst of pushes while a reconcile runs makes one more
// reconcile, of the newest head.
type envWorker struct {
	cfg      config.Environment
	repo     *repoWatcher
	store    *statestore.Store
	roll     *rollout.Env
	cache    *compile.Cache
	log      *slog.Logger
	metrics  *metrics.Metrics
	clock    func() time.Time
	newTimer func(time.Duration) (<-chan time.Time, func())
	wakeCh   chan struct{}
	// secrets fingerprints the values of the secrets cfg names (see
	// localSecrets): a reload that changes them replaces the worker.
	secrets string
	// busy serialises reconciles with approve and rollback.
	busy sync.Mutex
	// prune, guarded by busy, says whether the last reconcile was
	// permitted to delete (not after a force-push): an approval of its
	// plan applies with the same permission.
	prune bool

	mu       sync.Mutex
	status   Status
	seenHead string
	// done is the revision last reconciled to completion (applied, or
	// planned and waiting, or found unchanged, or stalled); an unmoved
	// head equal to it needs no work.
	done string
	// drift asks the next attempt for a full drift check; requested
	// says a person asked for it, which lets it past a backoff.
	drift, requested bool
	nextDrift        time.Time
	// driftShare is the share of the inventory the next drift tick
	// reads (see driftShares).
	driftShare int
	// backoff is the un-jittered backoff of the last failure (0 after a
	// success); nothing is attempted before notBefore unless the head
	// moves from tried (the head seen at the failure) or a person asks;
	// retry says an attempt is due at notBefore.
	backoff   time.Duration
	notBefore time.Time
	tried     string
	retry     bool
	// failing says the last attempt failed.
	failing bool
	// errLog rate-limits the log of a failure that repeats.
	errLog repeatLimit
	// savedSuccess is when a success was last saved in the store.
	savedSuccess time.Time
	desired      *rollout.Desired
	// mermaid is each listed pipeline's graph, by document: a document
	// is the same for an unchanged file, and its content is released
	// between reconciles, so an unchanged pipeline is not read again to
	// be drawn.
	mermaid map[*dsl.Document]string
	runs    map[string]runRecord
	// loaded is set when the status came from a previous worker, so
	// the store's meta need not be read.
	loaded bool
	// headLost is set while the branch head cannot be read.
	headLost bool
	// approved is the revision last approved (sync: manual): its
	// changes still in progress are taken further without asking again.
	approved string
	// changed, if set, is told when an outcome is recorded (the pages'
	// event streams).
	changed func(kind, env string)
	// claimProject, if set, records the project the worker is about to
	// plan and fails when another repository's environment of the same
	// name deploys that project (see Daemon.claimProject).
	claimProject func(project string) error
	// claimed is the project last claimed; guarded by the daemon's
	// claims lock.
	claimed string
}

func newEnvWorker(cfg config.Environment, repo *repoWatcher, store *statestore.Store, roll *rollout.Env, log *slog.Logger, m *metrics.Metrics, c clock) *envWorker {
	w := &envWorker{cfg: cfg, repo: repo, store: store, roll: roll, cache: compile.NewHashCache(),
		log: log.With("env", cfg.ID()), metrics: m, clock: c.now, newTimer: c.timer, wakeCh: make(chan struct{}, 1)}
	w.status = Status{Environment: cfg.ID(), Repository: repo.cfg.Name, Branch: cfg.Branch, Backend: string(cfg.Backend),
		Sync: string(cfg.Sync), State: StateUnknown}
	return w
}

// wake asks for a reconcile; drift (a person's request) asks for the
// applied resources to be read back too, at once even while a failure's
// backoff runs. A wake while one is pending is absorbed by it.
func (w *envWorker) wake(drift bool) {
	if drift {
		w.mu.Lock()
		w.drift, w.requested = true, true
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
		next, stopTimer := w.timer()
		select {
		case <-ctx.Done():
		case <-stop:
		case <-w.wakeCh:
		case <-next:
		}
		stopTimer()
		if ctx.Err() != nil || closed(stop) {
			return
		}
	}
}

// timer fires when the next retry or drift check is due, never when
// neither is. A drift check is never due before a failure's backoff has
// passed. stop releases the timer.
func (w *envWorker) timer() (next <-chan time.Time, stop func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var at time.Time
	due := false
	if w.retry {
		at, due = w.notBefore, true
	}
	if w.cfg.DriftInterval > 0 {
		drift := w.nextDrift
		if drift.Before(w.notBefore) {
			drift = w.notBefore
		}
		if !due || drift.Before(at) {
			at, due = drift, true
		}
	}
	if !due {
		return nil, func() {}
	}
	return w.newTimer(max(at.Sub(w.clock()), 0))
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
		m, err = tx.Meta(w.key())
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
	if m.LastSuccessAt.After(m.LastAppliedAt) {
		w.status.LastSuccess = m.LastSuccessAt
	}
	w.savedSuccess = w.status.LastSuccess
	if !w.status.LastSuccess.IsZero() {
		// Exported at once: an environment that fails from the start
		// still has a last success for its alert to read.
		w.metrics.SetLastSuccess(w.key(), w.status.LastSuccess)
	}
	w.nextDrift = w.clock().Add(jitter(w.driftStep()))
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
	w.metrics.SetSynced(s.Environment, synced(s))
}
