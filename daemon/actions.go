package daemon

import (
	"context"
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// Errors of the actions, for the API to map to status codes.
var (
	// ErrNotFound: no environment, deployed pipeline or run of that
	// name.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the action does not fit the environment's state (no
	// plan waits for that revision, the branch moved, ...).
	ErrConflict = errors.New("conflict")
)

// Statuses returns the status of every environment, in configuration
// order.
func (d *Daemon) Statuses() []Status {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]Status, 0, len(d.order))
	for _, name := range d.order {
		out = append(out, d.envs[name].snapshot())
	}
	return out
}

// Status returns one environment's status.
func (d *Daemon) Status(env string) (Status, error) {
	w, err := d.env(env)
	if err != nil {
		return Status{}, err
	}
	return w.snapshot(), nil
}

// Ready reports whether every environment has completed its first
// reconcile or reported why it could not, and names those that have not.
func (d *Daemon) Ready() (bool, []string) {
	var waiting []string
	for _, s := range d.Statuses() {
		if !s.Reconciled {
			waiting = append(waiting, s.Environment)
		}
	}
	return len(waiting) == 0, waiting
}

// History returns the environment's applied revisions, newest first.
func (d *Daemon) History(env string) ([]statestore.Entry, error) {
	w, err := d.env(env)
	if err != nil {
		return nil, err
	}
	var out []statestore.Entry
	err = d.store.View(func(tx *statestore.Tx) error {
		var err error
		out, err = tx.History(w.key())
		return err
	})
	return out, err
}

// Sync asks for a reconcile now, with a drift check.
func (d *Daemon) Sync(env string) error {
	w, err := d.env(env)
	if err != nil {
		return err
	}
	w.repo.wake()
	w.wake(true)
	return nil
}

// Approve applies the plan waiting for approval of revision, as
// ApprovePlan does with no plan hash.
func (d *Daemon) Approve(ctx context.Context, env, revision string) (Status, error) {
	return d.ApprovePlan(ctx, env, revision, "")
}

// ApprovePlan applies the plan waiting for approval of revision, and
// only that plan: the plan is made again (reading AWS back) and applied
// only when its hash is the waiting plan's, and, when hash is not empty,
// when that is hash (the plan the approver read). It refuses with
// ErrConflict when no plan waits for that revision or the branch head
// has moved since (a newer plan is then being made), and with a
// *PlanChanged, applying nothing, when the plan is not the one approved:
// the new plan then waits in its place. It returns when the apply is
// done, with its state in the status.
func (d *Daemon) ApprovePlan(ctx context.Context, env, revision, hash string) (Status, error) {
	w, err := d.env(env)
	if err != nil {
		return Status{}, err
	}
	w.busy.Lock()
	defer w.busy.Unlock()
	st := w.snapshot()
	if st.Pending == nil || !sameRevision(st.Pending.Revision, revision) {
		return st, fmt.Errorf("%w: no plan waits for approval of %s in %s (waiting: %s)", ErrConflict, revision, env, pendingRevision(st))
	}
	if hash != "" && !sameRevision(st.Pending.Hash, hash) {
		return st, &PlanChanged{Pending: st.Pending, msg: fmt.Sprintf("the plan approved (%s) is not the plan waiting (%.12s)", hash, st.Pending.Hash)}
	}
	heads, err := w.repo.git.Heads(ctx)
	if err != nil {
		return st, fmt.Errorf("cannot check the branch head before applying: %w", err)
	}
	if heads[w.cfg.Branch] != st.Pending.Revision {
		w.repo.wake()
		return st, fmt.Errorf("%w: branch %s moved from %s to %s since the plan was made; approve the new plan once it is shown",
			ErrConflict, w.cfg.Branch, short(st.Pending.Revision), short(heads[w.cfg.Branch]))
	}
	w.mu.Lock()
	desired := w.desired
	if desired != nil && desired.Revision == st.Pending.Revision {
		w.approved = desired.Revision
	}
	w.mu.Unlock()
	if desired == nil || desired.Revision != st.Pending.Revision {
		return st, fmt.Errorf("%w: the plan of %s is no longer loaded; wait for it to be made again", ErrConflict, short(revision))
	}
	// The plan is made again with every applied resource read back, so
	// that a change in AWS since the plan was shown is seen, and may
	// delete as the plan shown could. The apply outlives the request
	// that approved it.
	o := w.applyNow(context.WithoutCancel(ctx), desired, rollout.Refresh(true), w.pruneOption(), rollout.Expect(st.Pending.Hash))
	switch {
	case o.err != nil:
		return w.snapshot(), o.err
	case o.result == resultWaiting:
		now := w.snapshot()
		return now, &PlanChanged{Pending: now.Pending, msg: now.Message}
	}
	return w.snapshot(), nil
}

// PlanChanged is the error of an approval of a plan that is no longer
// the one an apply would carry out; Pending is the plan now waiting.
// errors.Is(err, ErrConflict) holds.
type PlanChanged struct {
	Pending *PendingPlan
	msg     string
}

func (e *PlanChanged) Error() string {
	return fmt.Sprintf("%v: %s; the new plan waits for approval (revision %.12s, plan %.12s)", ErrConflict, e.msg, e.Pending.Revision, e.Pending.Hash)
}

// Unwrap makes errors.Is(err, ErrConflict) hold.
func (e *PlanChanged) Unwrap() error { return ErrConflict }

// isApproved reports whether revision is the one last approved.
func (w *envWorker) isApproved(revision string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.approved == revision
}

func pendingRevision(st Status) string {
	if st.Pending == nil {
		return "none"
	}
	return st.Pending.Revision
}

// sameRevision reports whether want (full or abbreviated, at least 7
// characters) names full.
func sameRevision(full, want string) bool {
	return len(want) >= 7 && len(want) <= len(full) && full[:len(want)] == want
}

// Rollback re-applies a revision from the environment's history and
// holds the environment there: newer heads of its branch are not applied
// until Resume. It returns when the apply is done.
func (d *Daemon) Rollback(ctx context.Context, env, revision string) (Status, error) {
	w, err := d.env(env)
	if err != nil {
		return Status{}, err
	}
	full, err := d.recorded(env, revision)
	if err != nil {
		return w.snapshot(), err
	}
	w.busy.Lock()
	defer w.busy.Unlock()
	if err := d.updateMeta(w.key(), func(m *statestore.Meta) { m.PinnedRevision, m.Suspended = full, false }); err != nil {
		return w.snapshot(), err
	}
	w.mu.Lock()
	w.status.Pinned, w.status.Suspended = full, false
	w.mu.Unlock()
	d.log.Info("rollback", "env", env, "revision", full)
	if err := w.reconcileNow(context.WithoutCancel(ctx)); err != nil {
		return w.snapshot(), err
	}
	return w.snapshot(), nil
}

// recorded returns the full revision of env's history that revision
// names.
func (d *Daemon) recorded(env, revision string) (string, error) {
	history, err := d.History(env)
	if err != nil {
		return "", err
	}
	for _, e := range history {
		if sameRevision(e.Revision, revision) {
			return e.Revision, nil
		}
	}
	return "", fmt.Errorf("%w: %s is not in the history of %s: only a revision applied before can be rolled back to", ErrConflict, revision, env)
}

// Suspend stops automatic reconciles of env until Resume.
func (d *Daemon) Suspend(env string) (Status, error) {
	return d.setHold(env, true)
}

// Resume lifts a suspension and a rollback's hold: the branch head is
// reconciled again.
func (d *Daemon) Resume(env string) (Status, error) {
	return d.setHold(env, false)
}

func (d *Daemon) setHold(env string, suspend bool) (Status, error) {
	w, err := d.env(env)
	if err != nil {
		return Status{}, err
	}
	err = d.updateMeta(w.key(), func(m *statestore.Meta) {
		m.Suspended = suspend
		if !suspend {
			m.PinnedRevision = ""
		}
	})
	if err != nil {
		return w.snapshot(), err
	}
	w.mu.Lock()
	w.status.Suspended = suspend
	if !suspend {
		w.status.Pinned, w.done = "", ""
		w.requested = true // a person asked: past any backoff
	}
	w.mu.Unlock()
	if suspend {
		w.setState(StateSuspended, "suspended: automatic reconciles wait for a resume")
	}
	w.wake(false)
	return w.snapshot(), nil
}

func (d *Daemon) updateMeta(env string, fn func(*statestore.Meta)) error {
	return d.store.Update(func(tx *statestore.Tx) error {
		m, err := tx.Meta(env)
		if err != nil {
			return err
		}
		fn(&m)
		return tx.PutMeta(env, m)
	})
}
