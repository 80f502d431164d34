package main

import (
	"context"
	"runtime"
	"sync"

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
		// The connection is made while the inventory is read: neither
		// needs the other.
		target := make(chan connected, 1)
		go func() {
			t, err := env.Target(ctx)
			target <- connected{t, err}
		}()
		r.applied, r.err = rollout.Inventory(store, o.stateKey)
		c := <-target
		if r.err != nil || len(r.applied) == 0 {
			// An empty inventory is rebuilt by the plan, which
			// connects again if this failed and says why.
			return
		}
		if c.err != nil {
			r.err = c.err
			return
		}
		r.observed, r.err = observeComparing(ctx, c.target.Backends, r.applied)
	}()
	return r
}

// connected is the outcome of connecting to the environment's target.
type connected struct {
	target *rollout.Target
	err    error
}

// observeComparing reads applied back as rollout.Observe does and
// compares each observation with its record's baseline as it arrives
// (reconcile.Applied.CompareObserved), on every core, while the reads
// wait for their quotas: the plan then finds them compared, and only
// those read last are left to compare after the last read. It returns
// once every comparison is made. On a failed read, the plan is not made.
func observeComparing(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, applied []reconcile.Applied) (map[sluice.ResourceID]sluice.Observation, error) {
	type arrived struct {
		at  int
		obs sluice.Observation
	}
	index := make(map[sluice.ResourceID]int, len(applied))
	for i := range applied {
		index[applied[i].ID] = i
	}
	// As long as the inventory: telling of an observation never waits
	// for a comparison, so no read waits for one either.
	queue := make(chan arrived, len(applied))
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for a := range queue {
				applied[a.at].CompareObserved(a.obs)
			}
		})
	}
	observed, err := rollout.ObserveEach(ctx, backends, applied, func(id sluice.ResourceID, obs sluice.Observation) {
		if i, ok := index[id]; ok {
			queue <- arrived{i, obs}
		}
	})
	close(queue)
	wg.Wait()
	return observed, err
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
