package rollout

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/statestore"
)

// Env reconciles one environment. Keep one Env per environment for as
// long as the process runs: its target (and with it the AWS clients and
// their rate limiter) is connected once and reused.
type Env struct {
	// Name is the environment's name in the project: what its
	// resources are compiled, named and tagged for.
	Name string
	// StateKey is the key of the environment's state in Store; empty:
	// Name. A daemon whose repositories both have an environment Name
	// keeps each one's state under its qualified name (REPO/NAME).
	StateKey string
	// Store is the state store; nil for a plan with no state file (the
	// inventory is then rebuilt from ownership tags each time).
	Store *statestore.Store
	// Connect connects the environment's target. It is called at most
	// once, when a target is first needed.
	Connect func(ctx context.Context) (*Target, error)
	// Workers bounds how many changes of each resource type run at once
	// (default 4).
	Workers int
	// Notice, when set, is told what a person would want to know
	// ("inventory rebuilt from ownership tags").
	Notice func(msg string)
	// Local says the environment runs on the embedded local backend,
	// which does not manage some types (reconcile.PlanInput.Local).
	Local bool

	mu     sync.Mutex
	target *Target
}

// key returns the key of the environment's state in Store.
func (e *Env) key() string {
	if e.StateKey != "" {
		return e.StateKey
	}
	return e.Name
}

// Planned is a plan and what it was made from.
type Planned struct {
	Desired  *Desired
	Plan     reconcile.Plan
	Applied  []reconcile.Applied
	Observed map[sluice.ResourceID]sluice.Observation
	// Rebuilt is set when the inventory was rebuilt from ownership tags.
	Rebuilt bool
}

// Target returns the connected target, connecting on first use.
func (e *Env) Target(ctx context.Context) (*Target, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.target != nil {
		return e.target, nil
	}
	if e.Connect == nil {
		return nil, fmt.Errorf("environment %s: no target to connect to", e.Name)
	}
	t, err := e.Connect(ctx)
	if err != nil {
		return nil, err
	}
	e.target = t
	return t, nil
}

// Plan computes d's plan without changing anything: the inventory is the
// store's or, when it holds none, rebuilt from ownership tags (and not
// saved); with the option Refresh, applied resources are read back for drift.
func (e *Env) Plan(ctx context.Context, d *Desired, opts ...PlanOption) (*Planned, error) {
	o := newPlanOptions(opts)
	p := &Planned{Desired: d}
	if o.read != nil {
		p.Applied, p.Observed = o.read.applied, o.read.observed
	} else if e.Store != nil {
		applied, err := Inventory(e.Store, e.key())
		if err != nil {
			return nil, err
		}
		p.Applied = applied
	}
	if len(p.Applied) == 0 {
		if err := e.rebuild(ctx, p, o); err != nil {
			return nil, err
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

func (e *Env) rebuild(ctx context.Context, p *Planned, o planOptions) error {
	t, err := e.Target(ctx)
	if err != nil {
		return err
	}
	applied, observed, err := rebuild(ctx, t, p.Desired, o.refresh)
	if err != nil {
		return err
	}
	p.Applied, p.Observed, p.Rebuilt = applied, observed, true
	e.notice(fmt.Sprintf("no state for %s: inventory rebuilt from ownership tags (%d resources)", e.Name, len(applied)))
	return nil
}

// refresh reads the applied resources back when o asks for it and
// rebuilding has not already read them.
func (e *Env) refresh(ctx context.Context, p *Planned, o planOptions) error {
	if !o.refresh || len(p.Applied) == 0 || p.Observed != nil {
		return nil
	}
	t, err := e.Target(ctx)
	if err != nil {
		return err
	}
	p.Observed, err = Observe(ctx, t.Backends, o.shareOf(p.Applied))
	return err
}

func (e *Env) planInput(p *Planned, o planOptions) reconcile.PlanInput {
	return reconcile.PlanInput{Desired: p.Desired.Resources, Applied: p.Applied, Observed: p.Observed,
		Held: p.Desired.Held, HeldFiles: p.Desired.HeldFiles, HoldAll: p.Desired.HoldAll, AllowPrune: o.prune, AllowEmpty: o.allowEmpty,
		Project: p.Desired.Project(), Env: e.Name, Local: e.Local}
}

func (e *Env) notice(msg string) {
	if e.Notice != nil {
		e.Notice(msg)
	}
}

// errNoStore is returned by Apply on an Env without a store.
var errNoStore = errors.New("apply needs a state store")
