package daemon

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
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

// Backoff after a failed reconcile: from 750 ms doubling up to 15 min,
// jittered.
const (
	backoffMin = 750 * time.Millisecond
	backoffMax = 15 * time.Minute
)

// cycle runs one reconcile when there is work and records its outcome.
func (w *envWorker) cycle(ctx context.Context) {
	w.busy.Lock()
	defer w.busy.Unlock()
	start := w.clock()
	result := w.reconcile(ctx)
	if result == "" || ctx.Err() != nil {
		return
	}
	w.metrics.ReconcileDone(w.cfg.Name, result, w.clock().Sub(start))
	w.mu.Lock()
	w.status.LastAttempt = start
	w.mu.Unlock()
}

// reconcile takes the environment one step towards its branch head (or
// its pinned revision) and returns the result, "" when there was nothing
// to do.
func (w *envWorker) reconcile(ctx context.Context) string {
	st := w.snapshot()
	if st.Suspended {
		w.setState(StateSuspended, "suspended: automatic reconciles wait for a resume")
		return ""
	}
	head, err := w.currentHead()
	if errors.Is(err, errNotPolled) {
		return "" // the first poll wakes the environment
	}
	if err != nil {
		w.mu.Lock()
		w.headLost = true
		w.mu.Unlock()
		w.setState(StateFailed, err.Error())
		return w.fail(err)
	}
	w.recovered()
	drift, share := w.takeDrift()
	revision := head
	if st.Pinned != "" {
		revision = st.Pinned
	}
	if revision == w.doneRevision() && !drift {
		return ""
	}
	d, prune, err := w.prepare(ctx, revision, st.Pinned == "" && revision == head)
	if err != nil {
		w.retryDrift(share)
		w.setState(StateFailed, err.Error())
		return w.fail(err)
	}
	if d.Snapshot.Project == nil || !d.Snapshot.HasEnvironment(w.cfg.Name) {
		w.setState(StateFailed, projectProblem(d.Snapshot, w.cfg.Name))
		w.markDone(revision)
		return resultHeld
	}
	w.roll.Refresh, w.roll.RefreshShare = drift, refreshShare(share)
	w.roll.Prune, w.roll.AllowEmpty = prune, w.cfg.AllowEmpty
	if w.cfg.Sync == config.SyncManual && st.Pinned == "" && !w.isApproved(d.Revision) {
		return w.planOnly(ctx, d)
	}
	return w.apply(ctx, d)
}

// recovered forgets the revision last reconciled when the branch head
// could not be read before: the reconcile that follows sets the state
// again (no AWS call when nothing changed).
func (w *envWorker) recovered() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.headLost {
		w.headLost, w.done = false, ""
	}
}

// currentHead returns the branch head the last poll saw, or why there is
// none: the environment then keeps its last applied state.
func (w *envWorker) currentHead() (string, error) {
	head, ok, err := w.repo.head(w.cfg.Branch)
	switch {
	case errors.Is(err, errNotPolled):
		return "", err
	case err != nil:
		return "", fmt.Errorf("cannot read the remote (%w): keeping the last applied state", err)
	case !ok:
		return "", fmt.Errorf("branch %s is gone from the remote: keeping the last applied state, nothing is deleted", w.cfg.Branch)
	}
	w.mu.Lock()
	w.status.Head = head
	w.mu.Unlock()
	return head, nil
}

// prepare fetches (when revision is the branch head), loads and compiles
// revision. prune is false after a force-push: a rewritten history is
// applied, but nothing it dropped is deleted until a later revision
// descends from it.
func (w *envWorker) prepare(ctx context.Context, revision string, isHead bool) (*rollout.Desired, bool, error) {
	prune := w.cfg.Prune
	if isHead {
		c, err := w.repo.fetch(ctx, w.cfg.Branch)
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
	snap, err := w.repo.load(ctx, revision)
	if err != nil {
		return nil, false, fmt.Errorf("read revision %s: %w", short(revision), err)
	}
	var d *rollout.Desired
	if snap.Project != nil && snap.HasEnvironment(w.cfg.Name) {
		d = rollout.Compile(snap, w.cfg.Name, revision, w.cache)
	} else {
		d = &rollout.Desired{Snapshot: snap, Env: w.cfg.Name, Revision: revision}
	}
	w.setDesired(d)
	return d, prune, nil
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

// planOnly plans d and leaves a non-empty plan waiting for approval.
func (w *envWorker) planOnly(ctx context.Context, d *rollout.Desired) string {
	p, err := w.roll.Plan(ctx, d)
	if err != nil {
		w.setState(StateFailed, err.Error())
		return w.fail(err)
	}
	w.recordPlan(p, false)
	w.markDone(d.Revision)
	if p.Plan.Empty() {
		w.setPending(nil)
		w.setState(syncedUnlessHolding(d), heldMessage(d, "nothing to apply"))
		return resultUnchanged
	}
	w.setPending(&PendingPlan{Revision: d.Revision, Plan: p.Plan, Computed: w.clock()})
	c := p.Plan.Counts()
	w.setState(StateWaitingApproval, fmt.Sprintf("revision %s waits for approval: %d to create, %d to update, %d to delete",
		short(d.Revision), c[reconcile.ActionCreate], c[reconcile.ActionUpdate]+c[reconcile.ActionReplace], c[reconcile.ActionDelete]))
	return resultWaiting
}

// apply applies d, with opts, and records the outcome.
func (w *envWorker) apply(ctx context.Context, d *rollout.Desired, opts ...rollout.ApplyOption) string {
	out, err := w.roll.Apply(ctx, d, opts...)
	if changed := (*rollout.PlanChangedError)(nil); errors.As(err, &changed) {
		return w.planChanged(changed)
	}
	if err != nil {
		w.setState(StateFailed, err.Error())
		return w.fail(err)
	}
	w.recordPlan(out.Planned, true)
	w.recordOperations(out)
	w.setPending(nil)
	if out.Incomplete > 0 {
		return w.incomplete(out)
	}
	w.succeeded(d, out)
	if d.Holding() {
		return resultHeld
	}
	if out.Plan.Empty() {
		return resultUnchanged
	}
	return resultApplied
}

// succeeded records a complete apply of d.
func (w *envWorker) succeeded(d *rollout.Desired, out *rollout.Outcome) {
	now := w.clock()
	w.mu.Lock()
	w.status.Applied, w.status.LastSuccess, w.backoff = d.Revision, now, 0
	pinned := w.status.Pinned
	w.mu.Unlock()
	w.markDone(d.Revision)
	w.metrics.SetLastSuccess(w.cfg.Name, now)
	state, msg := StateSynced, heldMessage(d, fmt.Sprintf("applied %s", short(d.Revision)))
	switch {
	case pinned != "":
		state, msg = StateRolledBack, fmt.Sprintf("rolled back to %s and held there until a resume", short(pinned))
	case d.Holding():
		state = StateHolding
	}
	w.setState(state, msg)
	w.log.Info("reconciled", "revision", d.Revision, "created", out.Entry.Created, "updated", out.Entry.Updated,
		"deleted", out.Entry.Deleted, "unchanged", out.Entry.Unchanged)
}

// incomplete records an apply some of whose changes failed or are still
// in progress, and schedules the next attempt.
func (w *envWorker) incomplete(out *rollout.Outcome) string {
	waitOnly, after := true, time.Duration(0)
	var first error
	for _, r := range out.Failed() {
		decision, d := sluice.RetryOf(r.Err)
		if decision != sluice.RetryWaiting {
			waitOnly = false
			if first == nil {
				first = fmt.Errorf("%s %s: %w", r.Change.Action, r.Change.ID, r.Err)
			}
		} else if after == 0 || d < after {
			after = d
		}
	}
	if waitOnly {
		w.setState(StateOutOfSync, fmt.Sprintf("%d changes in progress; checking again in %s", out.Incomplete, after))
		w.mu.Lock()
		w.backoff = max(after, time.Second)
		w.mu.Unlock()
		return resultApplied
	}
	w.setState(StateFailed, fmt.Sprintf("%d changes incomplete, first: %v", out.Incomplete, first))
	return w.fail(first)
}

// fail schedules a retry with exponential backoff, unless the error is
// stalled (a person must act: the next change of the branch retries).
func (w *envWorker) fail(err error) string {
	decision, after := sluice.RetryOf(err)
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case decision == sluice.RetryStalled:
		w.backoff = 0
		w.done = w.status.Head
	case decision == sluice.RetryWaiting && after > 0:
		w.backoff = after
	default:
		w.backoff = nextBackoff(w.backoff)
	}
	if errors.Is(err, context.Canceled) {
		w.backoff = 0
	}
	return resultFailed
}

// nextBackoff doubles prev within [backoffMin, backoffMax], jittered
// down by up to a half.
func nextBackoff(prev time.Duration) time.Duration {
	next := min(max(prev*2, backoffMin), backoffMax)
	return next/2 + time.Duration(rand.Int64N(int64(next/2)+1))
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
