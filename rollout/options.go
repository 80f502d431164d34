package rollout

import (
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// PlanOption changes one Plan (or one Apply: every PlanOption is an
// ApplyOption too). Options are given per call, so that nothing one call
// asked for carries over to the next one made on the same Env.
type PlanOption interface {
	ApplyOption
	plan(*planOptions)
}

// ApplyOption changes one Apply.
type ApplyOption interface {
	apply(*applyOptions)
}

// planOptions are what a plan is made with.
type planOptions struct {
	// prune permits deletions; allowEmpty permits them when the desired
	// set is empty.
	prune, allowEmpty bool
	// refresh reads applied resources back to find drift; share, when
	// set, limits the refresh to the applied resources it accepts.
	refresh bool
	share   func(sluice.ResourceID) bool
	// read, when set, is the inventory and what was read back of it
	// before the plan was asked for (see ReadAhead).
	read *readAhead
}

// readAhead is an inventory and its observations, read ahead.
type readAhead struct {
	applied  []reconcile.Applied
	observed map[sluice.ResourceID]sluice.Observation
}

// applyOptions are what an apply is made with.
type applyOptions struct {
	planOptions
	expect      string
	beforeApply func(*Planned)
	followUntil time.Time
	onWait      func(reconcile.Change, error, time.Duration)
	onResult    func(reconcile.Result)
}

type planOption func(*planOptions)

func (f planOption) plan(o *planOptions)   { f(o) }
func (f planOption) apply(o *applyOptions) { f(&o.planOptions) }

type applyOption func(*applyOptions)

func (f applyOption) apply(o *applyOptions) { f(o) }

// Prune permits the plan to delete resources gone from the documents
// (stores are retained regardless); allowEmpty permits it even when the
// desired set is empty.
func Prune(prune, allowEmpty bool) PlanOption {
	return planOption(func(o *planOptions) { o.prune, o.allowEmpty = prune, allowEmpty })
}

// Refresh reads the applied resources back to find drift.
func Refresh(refresh bool) PlanOption {
	return planOption(func(o *planOptions) { o.refresh = refresh })
}

// RefreshOnly limits a refresh to the applied resources share accepts (a
// drift check spread over several cycles reads one share of the inventory
// each time); resources not read are not checked for drift this time. A
// nil share reads them all.
func RefreshOnly(share func(sluice.ResourceID) bool) PlanOption {
	return planOption(func(o *planOptions) { o.share = share })
}

// ReadAhead gives the plan the environment's inventory (the store's,
// not empty) and, for a refresh, what Observe read back of it, both read
// before the plan was asked for: a command reads AWS while it loads and
// compiles the repository, which needs neither. The plan uses them
// instead of reading the store and AWS again.
func ReadAhead(applied []reconcile.Applied, observed map[sluice.ResourceID]sluice.Observation) PlanOption {
	return planOption(func(o *planOptions) { o.read = &readAhead{applied: applied, observed: observed} })
}

// Expect makes Apply carry out its plan only when the plan's PlanHash is
// hash (the plan a person approved); otherwise it applies nothing and
// returns a *PlanChangedError with the new plan.
func Expect(hash string) ApplyOption {
	return applyOption(func(o *applyOptions) { o.expect = hash })
}

// BeforeApply shows show the plan Apply is about to carry out.
func BeforeApply(show func(*Planned)) ApplyOption {
	return applyOption(func(o *applyOptions) { o.beforeApply = show })
}

// Follow makes Apply take changes that are waiting further within the
// same Apply until until (see reconcile.Applier's FollowUntil), telling
// onWait, when not nil, of each wait.
func Follow(until time.Time, onWait func(c reconcile.Change, err error, after time.Duration)) ApplyOption {
	return applyOption(func(o *applyOptions) { o.followUntil, o.onWait = until, onWait })
}

// OnResult tells onResult of each change's outcome as soon as it ends
// (see reconcile.Applier's OnResult), one call at a time, before Apply
// returns them all in the Outcome.
func OnResult(onResult func(reconcile.Result)) ApplyOption {
	return applyOption(func(o *applyOptions) { o.onResult = onResult })
}

// ApplyOptions are opts as options of an Apply, for a caller that plans
// or applies with the same options.
func ApplyOptions(opts ...PlanOption) []ApplyOption {
	out := make([]ApplyOption, len(opts))
	for i, o := range opts {
		out[i] = o
	}
	return out
}

func newPlanOptions(opts []PlanOption) planOptions {
	var o planOptions
	for _, opt := range opts {
		opt.plan(&o)
	}
	return o
}

func newApplyOptions(opts []ApplyOption) applyOptions {
	var o applyOptions
	for _, opt := range opts {
		opt.apply(&o)
	}
	return o
}

// shareOf returns the applied resources this refresh reads.
func (o planOptions) shareOf(applied []reconcile.Applied) []reconcile.Applied {
	if o.share == nil {
		return applied
	}
	var out []reconcile.Applied
	for _, a := range applied {
		if o.share(a.ID) {
			out = append(out, a)
		}
	}
	return out
}
