package daemon

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/schema"
)

// repoWatcher polls one repository's remote heads and wakes the
// environments whose branch moved. It owns the repository's loader, whose
// cache by blob hash every environment of the repository shares.
type repoWatcher struct {
	cfg     config.Repository
	git     *gitsource.Repo
	log     *slog.Logger
	metrics *metrics.Metrics
	poll    chan struct{}
	timer   func(time.Duration) (<-chan time.Time, func())
	now     func() time.Time

	loadMu sync.Mutex
	loader *project.Loader
	// compileMu lets one environment of the repository compile at a
	// time: on a daemon's few cores compilations side by side finish no
	// sooner, and each holds a full compilation's garbage at its peak.
	compileMu sync.Mutex

	mu    sync.Mutex
	heads map[string]string
	err   error
	polls int
	// errLog rate-limits the log of a poll failure that repeats.
	errLog repeatLimit
	envs   []*envWorker
	// active counts the environments between the start of a reconcile
	// (before loading) and the end of its compilation; the snapshots
	// they used wait in toRelease until none is active, then their
	// pipelines' content is released (project.Snapshot.ReleasePipelines):
	// what a plan or an apply read again to compile specs (each
	// compilation releases what it reads as it goes, envWorker.compile).
	active    int
	toRelease []*project.Snapshot
	// compiling counts the environments between the start of their load
	// (after a fetch) and the end of their compilation; quiet is closed
	// when it falls to zero: plans wait for it (see awaitCompiled).
	compiling int
	quiet     chan struct{}
	// drawings are the pipelines' Mermaid graphs the environments
	// share (see drawing), pruned to the documents of the snapshots
	// released.
	drawings map[drawingKey]string
	// fetched is the commit last fetched per branch: a head that has
	// not moved since is in the cache and is not fetched again.
	fetched map[string]string
}

// openRepo opens the repository's local cache under dir and its loader.
func openRepo(ctx context.Context, cfg config.Repository, dir string, log *slog.Logger, m *metrics.Metrics, c clock) (*repoWatcher, error) {
	auth, err := gitAuth(cfg.Auth)
	if err != nil {
		return nil, err
	}
	var branches []string
	for _, e := range cfg.Environments {
		branches = append(branches, e.Branch)
	}
	g, err := gitsource.Open(ctx, gitsource.Options{URL: cfg.URL, Auth: auth, Dir: filepath.Join(dir, cfg.Name+".git"),
		Branches: branches, Logger: log})
	if err != nil {
		return nil, err
	}
	v, err := schema.New()
	if err != nil {
		return nil, err
	}
	// Each pipeline's content is released once its file is checked and
	// read again by each environment's compilation, which releases it as
	// it goes: the daemon never holds the whole repository's content.
	l, err := project.NewLoader(project.Options{Validator: v, ReleaseChecked: true})
	if err != nil {
		return nil, err
	}
	return &repoWatcher{cfg: cfg, git: g, log: log, metrics: m, loader: l, poll: make(chan struct{}, 1), timer: c.timer, now: c.now,
		fetched: map[string]string{}}, nil
}

// gitAuth reads the repository's credentials from their files or
// variables.
func gitAuth(a *config.Auth) (gitsource.Auth, error) {
	var out gitsource.Auth
	if a == nil {
		return out, nil
	}
	out.Username = a.Username
	var err error
	if a.Token != nil {
		out.Token, err = a.Token.Read()
	}
	if a.SSHKey != nil && err == nil {
		out.SSHKey, err = a.SSHKey.Read()
	}
	if a.KnownHosts != nil && err == nil {
		out.KnownHosts, err = a.KnownHosts.Read()
	}
	return out, err
}

// setEnvs replaces the environments the watcher wakes.
func (r *repoWatcher) setEnvs(envs []*envWorker) {
	r.mu.Lock()
	r.envs = envs
	r.mu.Unlock()
}

// wake asks for a poll now; a poll already pending absorbs it.
func (r *repoWatcher) wake() {
	select {
	case r.poll <- struct{}{}:
	default:
	}
}

// run polls every poll interval, jittered by up to 5 %, or when woken,
// until stop closes or ctx ends.
func (r *repoWatcher) run(ctx context.Context, stop <-chan struct{}) {
	for {
		r.pollOnce(ctx)
		next, stopTimer := r.timer(jitter(r.cfg.PollInterval))
		select {
		case <-ctx.Done():
		case <-stop:
		case <-r.poll:
		case <-next:
		}
		stopTimer()
		if ctx.Err() != nil || closed(stop) {
			return
		}
	}
}

// pollOnce asks the remote for its heads (one round trip) and wakes each
// environment: one whose branch head differs from what it last saw
// reconciles, one whose head has not moved counts the poll as a success
// when it is in sync. A failed poll wakes an environment only when the
// previous poll did not fail, so that a remote that stays unreachable
// costs the environment no attempt beyond its backoff. A failure that
// repeats is logged as reconcile failures are (see repeatLimit).
func (r *repoWatcher) pollOnce(ctx context.Context) {
	heads, err := r.git.Heads(ctx)
	r.mu.Lock()
	r.polls++
	if err == nil {
		r.heads = heads
	}
	r.err = err
	envs := r.envs
	logErr, suppressed := false, 0
	if err != nil {
		logErr, suppressed = r.errLog.failed(r.now(), err)
	} else {
		suppressed = r.errLog.succeeded()
	}
	r.mu.Unlock()
	result := metrics.PollUnchanged
	switch {
	case logErr:
		r.log.Warn("poll failed", "repository", r.cfg.Name, "err", err, "suppressed", suppressed)
	case err == nil && suppressed > 0:
		r.log.Info("poll succeeded after failures", "repository", r.cfg.Name, "suppressed", suppressed)
	}
	if err != nil {
		result = metrics.PollFailed
	}
	for _, e := range envs {
		changed := e.headChanged(heads, err)
		if changed {
			result = changedUnlessFailed(result)
		}
		if changed || err == nil {
			e.wake(false)
		}
	}
	r.metrics.GitPoll(r.cfg.Name, result)
}

// closed reports whether c is closed.
func closed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func changedUnlessFailed(result string) string {
	if result == metrics.PollFailed {
		return result
	}
	return metrics.PollChanged
}

// head returns the last seen head of branch: ok is false when the branch
// is absent, err is the last poll's error.
func (r *repoWatcher) head(branch string) (hash string, ok bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return "", false, r.err
	}
	if r.heads == nil {
		return "", false, errNotPolled
	}
	hash, ok = r.heads[branch]
	return hash, ok, nil
}

var errNotPolled = errors.New("the remote has not been polled yet")

// fetch brings branch's head into the local cache and returns it; head
// is the head the last poll saw. A head fetched before is not fetched
// again: a drift check of an unmoved branch costs no Git round trip.
func (r *repoWatcher) fetch(ctx context.Context, branch, head string) (gitsource.Commit, error) {
	r.mu.Lock()
	fetched := r.fetched[branch]
	r.mu.Unlock()
	if head != "" && head == fetched {
		return gitsource.Commit{Hash: head, Branch: branch}, nil
	}
	start := time.Now()
	got, err := r.git.Fetch(ctx, []string{branch})
	result := metrics.FetchSucceeded
	if err != nil {
		result = metrics.FetchFailed
	}
	r.metrics.GitFetch(r.cfg.Name, result, time.Since(start))
	if err != nil {
		return gitsource.Commit{}, err
	}
	c, ok := got[branch]
	if !ok {
		return c, errBranchGone
	}
	r.mu.Lock()
	r.fetched[branch] = c.Hash
	r.mu.Unlock()
	return c, nil
}

// forgetFetch forgets that branch's head was fetched, so that the next
// reconcile fetches it again (its commit could not be read from the
// cache).
func (r *repoWatcher) forgetFetch(branch string) {
	r.mu.Lock()
	delete(r.fetched, branch)
	r.mu.Unlock()
}

var errBranchGone = errors.New("the branch is gone from the remote")

// load reads the snapshot of commit from the local cache.
func (r *repoWatcher) load(ctx context.Context, commit string) (*project.Snapshot, error) {
	src, err := r.git.Source(ctx, commit, r.cfg.Path)
	if err != nil {
		return nil, err
	}
	r.loadMu.Lock()
	defer r.loadMu.Unlock()
	return r.loader.Load(ctx, src)
}

// idle releases the content of the pipelines of snap and of every
// snapshot compiled since no environment was compiling, once none is:
// after a compilation, and again after a plan or an apply, which may
// have read pipelines again to compile their specs.
func (r *repoWatcher) idle(snap *project.Snapshot) {
	r.mu.Lock()
	if snap != nil {
		r.toRelease = append(r.toRelease, snap)
	}
	var release []*project.Snapshot
	if r.active == 0 {
		release, r.toRelease = r.toRelease, nil
		docs := map[*dsl.Document]bool{}
		for _, s := range release {
			for _, d := range s.Documents {
				docs[d] = true
			}
		}
		r.keepDrawings(docs)
	}
	r.mu.Unlock()
	for _, s := range release {
		s.ReleasePipelines()
	}
}

// jitter returns d give or take up to 5 %.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	spread := float64(d) * 0.05
	return d + time.Duration((rand.Float64()*2-1)*spread)
}
