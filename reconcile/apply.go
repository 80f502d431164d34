package reconcile

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sluice-dev/sluice"
)

// Store is what applying needs of the state store, for one environment.
// Every call is durable when it returns.
type Store interface {
	// BeginOp journals an operation about to start, so a crash in the
	// middle is known at the next start.
	BeginOp(c Change) (seq uint64, err error)
	// EndOp marks the operation done.
	EndOp(seq uint64) error
	// Save records a resource's identity and applied spec; it is called
	// right after a create, before anything else is done to it.
	Save(a Applied) error
	// Forget drops a resource from the inventory.
	Forget(id sluice.ResourceID) error
}

// Applier applies plans.
type Applier struct {
	// Backends handle each resource type.
	Backends map[sluice.ResourceType]Backend
	// Store records identities and the journal.
	Store Store
	// Vars resolve placeholders: the target's values (${aws.region}, ...)
	// and, added as resources get ARNs, ${Type/name.arn}.
	Vars map[string]string
	// Project and Env are checked against ownership tags.
	Project, Env string
	// Workers bounds how many changes of one resource type run at once
	// (default 4).
	Workers int
	// FollowUntil, when set, keeps a change that is waiting (a compute
	// environment still being created under the queue it needs, a name
	// still being released) in this apply: it is applied again once its
	// wait is over, as long as that is before FollowUntil, and the changes
	// that depend on it follow as soon as it is done instead of at the
	// next apply.
	FollowUntil time.Time
	// OnWait, when set, is told of each change kept waiting in the apply
	// and how long until it is looked at again.
	OnWait func(c Change, err error, after time.Duration)
	// OnResult, when set, is told of each change's outcome as soon as it
	// is known, before Apply returns them all: the Result Apply returns
	// for it. Calls are made one at a time, in the order the changes
	// end.
	OnResult func(Result)
}

// Result is the outcome of one change.
type Result struct {
	Change Change
	// Err is nil on success; it carries the retry decision.
	Err error
	// Note, on success, says what the change left in place on purpose
	// (see sluice.LeftBehind).
	Note string
}

// Apply runs the plan's changes, each after the changes of the resources
// it depends on, at most Workers at a time of each resource type: types
// draw on separate API quotas, so state machines, created at one a second
// once their burst is spent, go on while job definitions are registered
// instead of queueing behind them. A change whose dependency
// failed is not attempted. It returns one Result per change in plan
// order; the error is for the context only.
func (a *Applier) Apply(ctx context.Context, p Plan) ([]Result, error) {
	results := make([]Result, len(p.Changes))
	done := make(map[sluice.ResourceID]chan struct{}, len(p.Changes))
	failed := sync.Map{}
	for _, c := range p.Changes {
		done[c.ID] = make(chan struct{})
	}
	vars := newVars(a.Vars)
	bl := newBaselines(a.Store, p.Changes, a.Backends)
	depsOf := dependencies(p)
	sems := make(map[sluice.ResourceType]chan struct{})
	for _, c := range p.Changes {
		if _, ok := sems[changeType(c)]; !ok {
			sems[changeType(c)] = make(chan struct{}, max(1, a.workers()))
		}
	}
	var wg sync.WaitGroup
	var reporting sync.Mutex
	for i, c := range p.Changes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done[c.ID])
			results[i] = a.applyAfterDeps(ctx, c, depsOf[c.ID], done, &failed, func() error {
				return a.attempt(ctx, c, vars, bl, sems[changeType(c)])
			})
			bl.ended(ctx, a.Backends[changeType(c)])
			if a.OnResult != nil {
				reporting.Lock()
				defer reporting.Unlock()
				a.OnResult(results[i])
			}
		}()
	}
	wg.Wait()
	bl.flush(ctx)
	return results, ctx.Err()
}

// applyAfterDeps waits for deps, then runs apply unless one of them
// failed, and returns c's result, recording its failure in failed.
func (a *Applier) applyAfterDeps(ctx context.Context, c Change, deps []sluice.ResourceID, done map[sluice.ResourceID]chan struct{},
	failed *sync.Map, apply func() error) Result {
	if dep := waitDeps(ctx, deps, done, failed); dep != "" {
		err := notAttempted(dep, failed)
		failed.Store(c.ID, err)
		return Result{Change: c, Err: err}
	}
	err := apply()
	var left *sluice.LeftBehind
	if errors.As(err, &left) {
		return Result{Change: c, Note: left.Error()}
	}
	if err != nil {
		failed.Store(c.ID, err)
	}
	return Result{Change: c, Err: err}
}

// minFollow is the shortest wait before a change kept waiting in an apply
// is applied again.
const minFollow = 10 * time.Millisecond

// attempt applies c, holding one of sem's slots while it runs, and while
// FollowUntil allows, again each time it is waiting, once its wait is
// over.
func (a *Applier) attempt(ctx context.Context, c Change, vars *vars, bl *baselines, sem chan struct{}) error {
	for {
		sem <- struct{}{}
		err := a.applyOne(ctx, c, vars, bl)
		<-sem
		decision, after := sluice.RetryOf(err)
		after = max(after, minFollow)
		if err == nil || decision != sluice.RetryWaiting || a.FollowUntil.IsZero() || time.Now().Add(after).After(a.FollowUntil) {
			return err
		}
		if a.OnWait != nil {
			a.OnWait(c, err, after)
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(after):
		}
	}
}

func (a *Applier) workers() int {
	if a.Workers > 0 {
		return a.Workers
	}
	return 4
}

// notAttempted is the error of a change not attempted because dep did
// not apply: waiting when dep is in progress (the change follows when it
// settles), transient otherwise.
func notAttempted(dep sluice.ResourceID, failed *sync.Map) error {
	v, _ := failed.Load(dep)
	depErr, _ := v.(error)
	if decision, after := sluice.RetryOf(depErr); decision == sluice.RetryWaiting {
		return sluice.Waiting(after, fmt.Errorf("not attempted: %s is still in progress", dep))
	}
	return sluice.Transient(fmt.Errorf("not attempted: %s did not apply", dep))
}

// waitDeps waits for the changes in deps and returns the first that
// failed, or "".
func waitDeps(ctx context.Context, deps []sluice.ResourceID, done map[sluice.ResourceID]chan struct{}, failed *sync.Map) sluice.ResourceID {
	for _, dep := range deps {
		ch, inPlan := done[dep]
		if !inPlan {
			continue
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return dep
		}
		if _, bad := failed.Load(dep); bad {
			return dep
		}
	}
	return ""
}

// dependencies returns, per change, what must be done before it: a
// creation or update waits for its resource's dependencies, a deletion
// for the deletions of every type that may depend on its type (schedules
// before state machines, queues before compute environments).
func dependencies(p Plan) map[sluice.ResourceID][]sluice.ResourceID {
	out := make(map[sluice.ResourceID][]sluice.ResourceID, len(p.Changes))
	var deletions []Change
	ranks := newTypeRanks()
	for _, c := range p.Changes {
		switch {
		case c.Desired != nil:
			out[c.ID] = c.Desired.DependsOn
		case c.Action == ActionDelete:
			for _, d := range deletions {
				if ranks.of(d) > ranks.of(c) {
					out[c.ID] = append(out[c.ID], d.ID)
				}
			}
			deletions = append(deletions, c)
		}
		out[c.ID] = append(out[c.ID], c.After...)
	}
	return out
}

func (a *Applier) applyOne(ctx context.Context, c Change, vars *vars, bl *baselines) error {
	if c.Action == ActionRefuse {
		return a.refused(ctx, c, vars, bl)
	}
	if !c.Action.Mutates() {
		if c.Action == ActionRetain {
			return a.Store.Forget(c.ID)
		}
		return nil
	}
	if c.RecordOnly {
		return a.Store.Save(recorded(c))
	}
	typ := changeType(c)
	b, ok := a.Backends[typ]
	if !ok {
		return sluice.Stalled(fmt.Errorf("%s: no backend handles %s resources in this environment", c.ID, typ))
	}
	seq, err := a.Store.BeginOp(c)
	if err != nil {
		return err
	}
	err = a.run(ctx, b, c, vars, bl)
	var left *sluice.LeftBehind
	if err != nil && !errors.As(err, &left) {
		return fmt.Errorf("%s %s: %w", c.Action, c.ID, err)
	}
	if err := a.Store.EndOp(seq); err != nil {
		return err
	}
	return err
}

func (a *Applier) run(ctx context.Context, b Backend, c Change, vars *vars, bl *baselines) error {
	if c.Action == ActionDelete {
		return a.delete(ctx, b, c)
	}
	t, err := vars.target(c)
	if err != nil {
		return sluice.Stalled(err)
	}
	obs, err := a.observeBefore(ctx, b, c, t)
	if err != nil {
		return err
	}
	switch {
	case obs.InProgress:
		return sluice.Waiting(defaultWait, fmt.Errorf("%s is %s", c.ID, obs.Status))
	case obs.Exists && !obs.Owned(a.Project, a.Env, c.ID):
		return NotOwned(c.ID, t.Name, a.Project, a.Env, obs)
	case !obs.Exists:
		obs, err = b.Create(ctx, t)
	default:
		t.ARN = obs.ARN
		obs, err = b.Update(ctx, t, obs)
	}
	if errors.Is(err, ErrReplace) {
		return a.replace(ctx, b, c, t, obs)
	}
	if err != nil {
		return err
	}
	vars.setARN(c.ID, obs.ARN)
	applied := appliedOf(t, obs.ARN)
	if err := a.Store.Save(applied); err != nil {
		return err
	}
	return bl.add(ctx, b, t, applied)
}

// observeBefore reads the resource before changing it, except for a
// creation of a resource the inventory has never held when the backend's
// Create checks the name itself (see OwnershipChecker).
func (a *Applier) observeBefore(ctx context.Context, b Backend, c Change, t sluice.Target) (sluice.Observation, error) {
	if oc, ok := b.(OwnershipChecker); ok && c.Action == ActionCreate && c.Applied == nil && oc.CreateChecksOwnership(t.Type) {
		return sluice.Observation{}, nil
	}
	return b.Observe(ctx, t)
}

func (a *Applier) replace(ctx context.Context, b Backend, c Change, t sluice.Target, obs sluice.Observation) error {
	if t.Deletion == sluice.DeletionRetain {
		return sluice.Stalled(fmt.Errorf("%s: the change needs the resource replaced, and its deletion policy is retain; replace it by hand or set deletionPolicy: delete", c.ID))
	}
	var left *sluice.LeftBehind
	if err := b.Delete(ctx, t, obs); err != nil && !errors.As(err, &left) {
		return err
	}
	return sluice.Waiting(defaultWait, fmt.Errorf("%s: replaced; the new one is created once the old one is gone", c.ID))
}

func (a *Applier) delete(ctx context.Context, b Backend, c Change) error {
	t := sluice.Target{Resource: sluice.Resource{ID: c.ID, Type: c.Applied.Type, Name: c.Applied.Name}, ARN: c.Applied.ARN}
	obs, err := b.Observe(ctx, t)
	if err != nil {
		return err
	}
	if !obs.Exists {
		return a.Store.Forget(c.ID)
	}
	if !obs.Owned(a.Project, a.Env, c.ID) {
		return sluice.Stalled(fmt.Errorf("%s no longer carries Sluice's ownership tags: not deleted", t.Name))
	}
	err = b.Delete(ctx, t, obs)
	var left *sluice.LeftBehind
	if err != nil && !errors.As(err, &left) {
		return err
	}
	if ferr := a.Store.Forget(c.ID); ferr != nil {
		return ferr
	}
	return err
}

func appliedOf(t sluice.Target, arn string) Applied {
	return Applied{ID: t.ID, Type: t.Type, Name: t.Name, ARN: arn, Source: t.Source, File: t.File,
		DependsOn: t.DependsOn, SpecHash: t.Hash, Deletion: t.Deletion, Spec: t.Spec, Tags: t.Tags}
}

// recorded is what a RecordOnly change records: the resource as last
// applied, with the desired deletion policy and document.
func recorded(c Change) Applied {
	out := *c.Applied
	out.Deletion, out.Source, out.File = c.Desired.Deletion, c.Desired.Source, c.Desired.File
	return out
}
