package daemon

import (
	"context"

	"github.com/sluice-dev/sluice/project"
)

// The environments of a repository that reconcile together (at start,
// after a push) load one snapshot, compile it one after the other
// (compileMu), each releasing the pipelines as it goes, and plan
// afterwards. Each reconcile is a turn: the repository counts the turns
// begun (active) and those loading or compiling (compiling), so that the
// plans wait for the compilations (awaitCompiled).

// turn is one environment's reconcile between begin and compiled.
type turn struct {
	// compiled is set once the reconcile no longer counts among those
	// that will compile (see doneCompiling).
	compiled bool
	// loading is set between loading and doneCompiling.
	loading bool
}

// begin marks an environment's reconcile as started (before it fetches).
func (r *repoWatcher) begin() *turn {
	r.mu.Lock()
	r.active++
	r.mu.Unlock()
	return &turn{}
}

// loading marks t as loading: its fetch is done, and its compilation
// follows.
func (r *repoWatcher) loading(t *turn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t.loading || t.compiled {
		return
	}
	t.loading = true
	if r.compiling == 0 {
		r.quiet = make(chan struct{})
	}
	r.compiling++
}

// doneCompiling marks t's compilation as done, or given up.
func (r *repoWatcher) doneCompiling(t *turn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t.compiled = true
	if t.loading {
		t.loading = false
		r.compiling--
		if r.compiling == 0 {
			close(r.quiet)
		}
	}
}

// compiled marks t finished, with the snapshot it compiled (nil when it
// loaded none), and releases what idle releases.
func (r *repoWatcher) compiled(t *turn, snap *project.Snapshot) {
	r.doneCompiling(t)
	r.mu.Lock()
	r.active--
	r.mu.Unlock()
	r.idle(snap)
}

// awaitCompiled waits until no environment of the repository is loading
// or compiling; false when ctx ends first. An environment plans only
// then, so that no plan, nor its result, is in memory beside the whole
// repository's content and a compilation. It waits for the loads and
// compilations under way (seconds), not for another environment's fetch.
func (r *repoWatcher) awaitCompiled(ctx context.Context) bool {
	r.mu.Lock()
	quiet := r.quiet
	if r.compiling == 0 {
		quiet = nil
	}
	r.mu.Unlock()
	if quiet == nil {
		return true
	}
	select {
	case <-quiet:
		return true
	case <-ctx.Done():
		return false
	}
}
