package rollout

import (
	"context"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/statestore"
)

// Outcome is what an apply did.
type Outcome struct {
	*Planned
	// Results has one entry per change of the plan, in plan order.
	Results []reconcile.Result
	// Incomplete counts the changes that failed or are still in
	// progress.
	Incomplete int
	// Entry is the history entry recorded.
	Entry statestore.Entry
}

// Failed returns the results whose change did not complete.
func (o *Outcome) Failed() []reconcile.Result {
	var out []reconcile.Result
	for _, r := range o.Results {
		if r.Err != nil {
			out = append(out, r)
		}
	}
	return out
}

// Apply brings the environment in line with d: it settles the journal a
// crash left, rebuilds and saves the inventory when the store holds none,
// plans (see Plan), applies the plan and records the outcome in the
// environment's history and meta. Changes that fail do not make Apply
// fail: they are in the Outcome. It fails when the store, a target
// connection or a rebuild fails, or ctx ends, and with a
// *PlanChangedError, applying nothing, when Expect was given and the
// plan is not the expected one.
func (e *Env) Apply(ctx context.Context, d *Desired, opts ...ApplyOption) (*Outcome, error) {
	o := newApplyOptions(opts)
	if e.Store == nil {
		return nil, errNoStore
	}
	t, err := e.Target(ctx)
	if err != nil {
		return nil, err
	}
	store := envStore{store: e.Store, env: e.key(), revision: d.Revision}
	applier := &reconcile.Applier{Backends: t.Backends, Store: store, Project: d.Project(), Env: e.Name, Workers: e.Workers,
		FollowUntil: o.followUntil, OnWait: o.onWait}
	if err := recoverJournal(ctx, applier, e.Store, e.key()); err != nil {
		return nil, err
	}
	p, err := e.planForApply(ctx, d, store, o.planOptions)
	if err != nil {
		return nil, err
	}
	if err := o.check(p); err != nil {
		return nil, err
	}
	if err := d.fillChanges(p.Plan); err != nil {
		return nil, err
	}
	applier.Vars = reconcile.Vars(t.Vars, p.Applied)
	applier.OnResult = o.onResult
	if o.beforeApply != nil {
		o.beforeApply(p)
	}
	results, err := applier.Apply(ctx, p.Plan)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Planned: p, Results: results}
	out.Incomplete = len(out.Failed())
	out.Entry, err = e.record(d, p, out.Incomplete)
	return out, err
}

// planForApply plans as Plan does, saving a rebuilt inventory first so
// that what the apply creates joins a complete inventory. Rebuilt
// records carry no revision: the one that applied them is not known.
func (e *Env) planForApply(ctx context.Context, d *Desired, store envStore, o planOptions) (*Planned, error) {
	applied, err := Inventory(e.Store, e.key())
	if err != nil {
		return nil, err
	}
	p := &Planned{Desired: d, Applied: applied}
	if len(applied) == 0 {
		if err := e.rebuild(ctx, p, o); err != nil {
			return nil, err
		}
		store.revision = ""
		for _, a := range p.Applied {
			if err := store.Save(a); err != nil {
				return nil, err
			}
		}
	}
	if err := e.refresh(ctx, p, o); err != nil {
		return nil, err
	}
	if err := e.computePlan(p, o); err != nil {
		return nil, err
	}
	return p, nil
}

// record appends the apply to the environment's history and, when every
// change completed, moves its last applied revision.
func (e *Env) record(d *Desired, p *Planned, incomplete int) (statestore.Entry, error) {
	c := p.Plan.Counts()
	entry := statestore.Entry{Revision: d.Revision, Time: time.Now().UTC(), Result: "succeeded",
		Created: c[reconcile.ActionCreate], Updated: c[reconcile.ActionUpdate] + c[reconcile.ActionReplace],
		Deleted: c[reconcile.ActionDelete], Unchanged: p.Plan.Unchanged}
	if incomplete > 0 {
		entry.Result = fmt.Sprintf("%d changes incomplete", incomplete)
	}
	err := e.Store.Update(func(tx *statestore.Tx) error {
		m, err := tx.Meta(e.key())
		if err != nil {
			return err
		}
		// An apply that changed nothing at the revision already applied
		// (a drift check that found none) is not history: it would push
		// the revisions a rollback can go back to out of the kept depth.
		if !p.Plan.Empty() || incomplete > 0 || m.LastAppliedRevision != d.Revision {
			if err := tx.AppendHistory(e.key(), entry); err != nil {
				return err
			}
		}
		if err := refreshProvenance(tx, e.key(), d, p); err != nil {
			return err
		}
		m.Held = heldReasons(d)
		if incomplete == 0 {
			m.LastAppliedRevision, m.LastAppliedAt = d.Revision, entry.Time
		}
		return tx.PutMeta(e.key(), m)
	})
	return entry, err
}

// heldReasons maps each held document and file to its finding (see
// Desired.Holds), nil when nothing is held.
func heldReasons(d *Desired) map[string]string {
	out := d.Holds()
	if len(out) == 0 {
		return nil
	}
	return out
}

// InProgress reports whether err's decision is to wait (the change is in
// progress) rather than a failure.
func InProgress(err error) bool {
	decision, _ := sluice.RetryOf(err)
	return decision == sluice.RetryWaiting
}
