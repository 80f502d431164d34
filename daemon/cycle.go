package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
)

// Reconcile results, as metrics count them.
const (
	resultApplied   = metrics.ReconcileApplied
	resultUnchanged = metrics.ReconcileUnchanged
	resultFailed    = metrics.ReconcileFailed
	resultHeld      = metrics.ReconcileHeld
	resultWaiting   = metrics.ReconcileWaitingApproval
)

// headError is a failure to read the branch head.
type headError struct{ error }

func (e headError) Unwrap() error { return e.error }

// cycle runs one reconcile when there is work and records its outcome.
// While the backoff of a failure runs, it does nothing unless the branch
// head moved or a person asked for a sync.
func (w *envWorker) cycle(ctx context.Context) {
	w.busy.Lock()
	defer w.busy.Unlock()
	start := w.clock()
	if w.backingOff(start) {
		return
	}
	o := w.reconcile(ctx)
	if ctx.Err() != nil {
		return
	}
	w.record(start, o)
}

// reconcileNow reconciles at once, backoff or not (a person asked: a
// rollback), records the outcome and returns its failure; busy held.
func (w *envWorker) reconcileNow(ctx context.Context) error {
	start := w.clock()
	o := w.reconcile(ctx)
	w.record(start, o)
	return o.err
}

// applyNow applies d (an approved plan's revision), records the outcome
// and returns its failure; busy held.
func (w *envWorker) applyNow(ctx context.Context, d *rollout.Desired, opts ...rollout.ApplyOption) outcome {
	start := w.clock()
	o := w.apply(ctx, d, opts...)
	w.repo.idle(d.Snapshot)
	w.record(start, o)
	return o
}

// backingOff reports whether a failure's backoff still runs and nothing
// new calls for an attempt before it ends.
func (w *envWorker) backingOff(now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.requested {
		w.requested = false
		return false
	}
	return now.Before(w.notBefore) && w.seenHead == w.tried
}

// reconcile takes the environment one step towards its branch head (or
// its pinned revision) and returns the outcome.
func (w *envWorker) reconcile(ctx context.Context) outcome {
	st := w.snapshot()
	if st.Suspended {
		return outcome{state: StateSuspended, message: "suspended: automatic reconciles wait for a resume"}
	}
	head, err := w.currentHead()
	if errors.Is(err, errNotPolled) {
		return outcome{} // the first poll wakes the environment
	}
	if err != nil {
		return failed(st.Head, err)
	}
	drift, share := w.takeDrift()
	revision := head
	if st.Pinned != "" {
		revision = st.Pinned
	}
	o := w.toRevision(ctx, st, revision, head, drift, share)
	o.head = head
	return o
}

// toRevision reconciles revision, reading back applied resources when
// drift says so.
func (w *envWorker) toRevision(ctx context.Context, st Status, revision, head string, drift bool, share int) outcome {
	if upToDate, healthy := w.upToDate(revision); upToDate && !drift {
		return outcome{success: healthy}
	}
	t := w.repo.begin()
	d, prune, err := w.prepare(ctx, t, revision, st.Pinned == "" && revision == head)
	var used *project.Snapshot
	if d != nil {
		used = d.Snapshot
	}
	w.repo.compiled(t, used)
	defer w.repo.idle(used)
	if err != nil {
		w.retryDrift(drift)
		return failed(revision, err)
	}
	if d.Snapshot.Project == nil || !d.Snapshot.HasEnvironment(w.cfg.Name) {
		o := failed(revision, sluice.Stalled(errors.New(projectProblem(d.Snapshot, w.cfg.Name))))
		o.result = resultHeld
		return o
	}
	if w.claimProject != nil {
		if err := w.claimProject(d.Project()); err != nil {
			return failed(revision, sluice.Stalled(err))
		}
	}
	w.prune = prune
	if !w.repo.awaitCompiled(ctx) {
		return failed(revision, ctx.Err())
	}
	opts := []rollout.PlanOption{rollout.Refresh(drift), rollout.RefreshOnly(refreshShare(share)), w.pruneOption()}
	var out outcome
	if w.cfg.Sync == config.SyncManual && st.Pinned == "" && !w.isApproved(d.Revision) {
		out = w.planOnly(ctx, d, opts...)
	} else {
		out = w.apply(ctx, d, rollout.ApplyOptions(opts...)...)
	}
	if out.err != nil {
		w.retryDrift(drift)
	}
	return out
}

// pruneOption permits deletions as the last reconcile could; busy held.
func (w *envWorker) pruneOption() rollout.PlanOption {
	return rollout.Prune(w.prune, w.cfg.AllowEmpty)
}

// upToDate reports whether revision was reconciled to completion and the
// branch head has been readable since, and whether the last attempt
// succeeded.
func (w *envWorker) upToDate(revision string) (upToDate, healthy bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return revision == w.done && !w.headLost, !w.failing
}

// currentHead returns the branch head the last poll saw, or why there is
// none: the environment then keeps its last applied state.
func (w *envWorker) currentHead() (string, error) {
	head, ok, err := w.repo.head(w.cfg.Branch)
	switch {
	case errors.Is(err, errNotPolled):
		return "", err
	case err != nil:
		return "", headError{fmt.Errorf("cannot read the remote (%w): keeping the last applied state", err)}
	case !ok:
		return "", headError{fmt.Errorf("branch %s is gone from the remote: keeping the last applied state, nothing is deleted", w.cfg.Branch)}
	}
	return head, nil
}

// prepare fetches (when revision is the branch head and not yet in the
// cache), loads and compiles revision. prune is false after a
// force-push: a rewritten history is applied, but nothing it dropped is
// deleted until a later revision descends from it.
func (w *envWorker) prepare(ctx context.Context, t *turn, revision string, isHead bool) (*rollout.Desired, bool, error) {
	prune := w.cfg.Prune
	if isHead {
		c, err := w.repo.fetch(ctx, w.cfg.Branch, revision)
		if err != nil {
			return nil, false, fmt.Errorf("fetch %s: %w; keeping the last applied state", w.cfg.Branch, err)
		}
		revision = c.Hash
		if applied := w.snapshot().Applied; prune && applied != "" && applied != revision {
			ok, err := w.repo.git.IsAncestor(ctx, applied, revision)
			if err != nil || !ok {
				w.log.Warn("force-push: applying without pruning", "branch", w.cfg.Branch, "applied", applied, "head", revision)
				prune = false
			}
		}
	}
	if !isHead {
		// A pinned revision: in the cache since it was applied, unless
		// the cache was lost; then it is fetched again.
		if _, err := w.repo.git.FetchCommit(ctx, revision); err != nil {
			return nil, false, fmt.Errorf("fetch revision %s: %w", short(revision), err)
		}
	}
	w.repo.loading(t)
	snap, err := w.repo.load(ctx, revision)
	if err != nil {
		w.repo.forgetFetch(w.cfg.Branch)
		return nil, false, fmt.Errorf("read revision %s: %w", short(revision), err)
	}
	var d *rollout.Desired
	if snap.Project != nil && snap.HasEnvironment(w.cfg.Name) {
		w.repo.compileMu.Lock()
		d = w.compile(snap, t, revision)
		w.repo.compileMu.Unlock()
	} else {
		d = &rollout.Desired{Snapshot: snap, Env: w.cfg.Name, Revision: revision}
	}
	w.setDesired(d)
	return d, prune, nil
}

// compile compiles snap at revision for the environment; the
// repository's compileMu held. Each pipeline is read from its source
// (the loader released it once checked), drawn for the environment's
// status while it is in memory, compiled, and released: a compilation's
// peak holds the pipelines being compiled and the output, never the
// whole repository's content.
func (w *envWorker) compile(snap *project.Snapshot, t *turn, revision string) *rollout.Desired {
	defer w.repo.doneCompiling(t)
	env := w.cfg.Name
	w.cache.ReleaseDocuments(true)
	w.cache.BeforeRelease(func(d *dsl.Document) { w.repo.drawing(d, env) })
	defer func() {
		w.cache.ReleaseDocuments(false)
		w.cache.BeforeRelease(nil)
	}()
	return rollout.Compile(snap, env, revision, w.cache)
}

// projectProblem says why a snapshot cannot be planned for env.
func projectProblem(snap *project.Snapshot, env string) string {
	if snap.Project == nil {
		msg := "the project file is invalid: the whole environment is held"
		if len(snap.Diagnostics) > 0 {
			msg += ": " + snap.Diagnostics[0].String()
		}
		return msg
	}
	return fmt.Sprintf("the project does not declare environment %q (declared: %v): nothing is applied", env, snap.Environments())
}

// planOnly plans d, with opts, and leaves a non-empty plan waiting for approval.
// An empty plan is a success: the revision needs no change, so it
// counts as applied.
func (w *envWorker) planOnly(ctx context.Context, d *rollout.Desired, opts ...rollout.PlanOption) outcome {
	p, err := w.roll.Plan(ctx, d, opts...)
	if err != nil {
		return failed(d.Revision, err)
	}
	d.DropSpecs(p.Plan)
	w.recordPlan(p, false)
	o := outcome{revision: d.Revision, done: true, success: true, setPending: true}
	if p.Plan.Empty() {
		o.result, o.state, o.message, o.applied = resultUnchanged, syncedUnlessHolding(d), heldMessage(d, "nothing to apply"), d.Revision
		return o
	}
	o.pending = &PendingPlan{Revision: d.Revision, Plan: p.Plan, Computed: w.clock()}
	c := p.Plan.Counts()
	o.result, o.state = resultWaiting, StateWaitingApproval
	o.message = fmt.Sprintf("revision %s waits for approval: %d to create, %d to update, %d to delete",
		short(d.Revision), c[reconcile.ActionCreate], c[reconcile.ActionUpdate]+c[reconcile.ActionReplace], c[reconcile.ActionDelete])
	return o
}

// apply applies d, with opts, and returns the outcome.
func (w *envWorker) apply(ctx context.Context, d *rollout.Desired, opts ...rollout.ApplyOption) outcome {
	out, err := w.roll.Apply(ctx, d, opts...)
	// What the apply compiled is not kept: the compile cache keeps
	// hashes, and specs are compiled again when a plan needs them. Those
	// of a plan shown (its notes compare specs) stay.
	if changed := (*rollout.PlanChangedError)(nil); errors.As(err, &changed) {
		d.DropSpecs(changed.Planned.Plan, w.pendingPlan())
		return w.planChanged(changed)
	}
	d.DropSpecs(w.pendingPlan())
	if err != nil {
		return failed(d.Revision, err)
	}
	w.recordPlan(out.Planned, true)
	w.recordOperations(out)
	o := w.applied(d, out)
	o.setPending = true
	return o
}

// pendingPlan returns the plan waiting for approval, if any.
func (w *envWorker) pendingPlan() reconcile.Plan {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.status.Pending == nil {
		return reconcile.Plan{}
	}
	return w.status.Pending.Plan
}

// applied returns the outcome of an apply of d that ran.
func (w *envWorker) applied(d *rollout.Desired, out *rollout.Outcome) outcome {
	if out.Incomplete > 0 {
		return incomplete(d, out)
	}
	o := outcome{result: resultApplied, state: StateSynced, message: heldMessage(d, fmt.Sprintf("applied %s", short(d.Revision))),
		revision: d.Revision, done: true, applied: d.Revision, success: true}
	switch {
	case w.snapshot().Pinned != "":
		o.state, o.message = StateRolledBack, fmt.Sprintf("rolled back to %s and held there until a resume", short(d.Revision))
	case d.Holding():
		o.state = StateHolding
	}
	switch {
	case d.Holding():
		o.result = resultHeld
	case out.Plan.Empty():
		o.result = resultUnchanged
	}
	w.log.Info("reconciled", "revision", d.Revision, "created", out.Entry.Created, "updated", out.Entry.Updated,
		"deleted", out.Entry.Deleted, "unchanged", out.Entry.Unchanged)
	return o
}

// incomplete returns the outcome of an apply some of whose changes
// failed or are still in progress: changes in progress are checked
// again after the delay they asked for; a failed change is a failure.
func incomplete(d *rollout.Desired, out *rollout.Outcome) outcome {
	after := time.Duration(0)
	var first error
	for _, r := range out.Failed() {
		decision, wait := sluice.RetryOf(r.Err)
		if decision != sluice.RetryWaiting {
			if first == nil {
				first = fmt.Errorf("%s %s: %w", r.Change.Action, r.Change.ID, r.Err)
			}
		} else if after == 0 || wait < after {
			after = wait
		}
	}
	if first == nil {
		after = max(after, time.Second)
		return outcome{result: resultApplied, state: StateOutOfSync, revision: d.Revision, after: after,
			message: fmt.Sprintf("%d changes in progress; checking again in %s", out.Incomplete, after)}
	}
	return failed(d.Revision, fmt.Errorf("%d changes incomplete, first: %w", out.Incomplete, first))
}

func heldMessage(d *rollout.Desired, msg string) string {
	if !d.Holding() {
		return msg
	}
	return msg + "; " + d.HoldSummary()
}

// short abbreviates a commit hash.
func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}
