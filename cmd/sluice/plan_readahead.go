package main

import (
	"context"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// readAhead is the environment's inventory and what AWS holds of it,
// read while the repository loads and compiles: a full drift check of
// 1,000 pipelines is bound by Step Functions' describe quota (40 s), and
// neither the reads nor the inventory need the repository.
type readAhead struct {
	stop     context.CancelFunc
	done     chan struct{}
	applied  []reconcile.Applied
	observed map[sluice.ResourceID]sluice.Observation
	err      error
}

// startReadAhead starts reading the inventory of store under the
// environment's state key and, when it is not empty, every resource in
// it back through env's target. It returns nil, and reads nothing, when
// the plan does not read AWS back (--refresh=false, the local backend)
// or has no store yet (the state file's default path needs the
// project's name).
func (o *planOptions) startReadAhead(ctx context.Context, store *statestore.Store, env *rollout.Env) *readAhead {
	if !o.refresh || o.be.local() || store == nil {
		return nil
	}
	ctx, stop := context.WithCancel(ctx)
	r := &readAhead{stop: stop, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		if r.applied, r.err = rollout.Inventory(store, o.stateKey); r.err != nil || len(r.applied) == 0 {
			return
		}
		t, err := env.Target(ctx)
		if err != nil {
			r.err = err
			return
		}
		r.observed, r.err = rollout.Observe(ctx, t.Backends, r.applied)
	}()
	return r
}

// options waits for the reads and returns the plan options that hand
// them to the plan: none when the inventory is empty (the plan rebuilds
// it from ownership tags) or r is nil.
func (r *readAhead) options(ctx context.Context) ([]rollout.PlanOption, error) {
	if r == nil {
		return nil, nil
	}
	select {
	case <-r.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if r.err != nil || len(r.applied) == 0 {
		return nil, r.err
	}
	return []rollout.PlanOption{rollout.ReadAhead(r.applied, r.observed)}, nil
}

// close stops the reads and waits for them to end: the store they read
// may be closed after it. A nil r has nothing to stop.
func (r *readAhead) close() {
	if r != nil {
		r.stop()
		<-r.done
	}
}
