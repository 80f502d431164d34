package main

import (
	"context"
	"maps"
	"slices"
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
	stop context.CancelFunc
	// first is closed once the state machines' records are decoded
	// and their reads started (or the reads ended before).
	first    chan struct{}
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
	r := &readAhead{stop: stop, first: make(chan struct{}), done: make(chan struct{})}
	started := sync.OnceFunc(func() { close(r.first) })
	go func() {
		defer close(r.done)
		defer started()
		r.applied, r.observed, r.err = readBack(ctx, store, o.stateKey, env.Target, started)
	}()
	return r
}

// waitFirst waits until the state machines' reads have started (see
// readBack), or ctx is done: the repository's load and compilation,
// which take every core for a second or two at 1,000 pipelines and are
// needed only once the reads end, would otherwise delay the first read
// of the 40 s of them. A nil r has nothing to wait for.
func (r *readAhead) waitFirst(ctx context.Context) {
	if r == nil {
		return
	}
	select {
	case <-r.first:
	case <-ctx.Done():
	}
}

// readBack reads the inventory of store under key and every
// resource in it back through the target connect returns (connecting
// while the inventory decodes). The state machines, whose reads set a
// drift check's length (DescribeStateMachine, 20 a second), are read as
// soon as their records decode, the other records meanwhile; together
// they are every record rollout.Observe would read of the inventory.
// started is called once the state machines' records are decoded and
// their reads started. Each observation is compared with its record as
// it arrives (see comparer). A failed read fails it all, returning
// nothing read. With an empty inventory it reads nothing back (the plan
// rebuilds it from ownership tags, connecting again if this connection
// failed).
func readBack(ctx context.Context, store *statestore.Store, key string,
	connect func(context.Context) (*rollout.Target, error), started func()) ([]reconcile.Applied, map[sluice.ResourceID]sluice.Observation, error) {
	// The connection outlives the reads: with an empty inventory, the
	// plan rebuilds it through the same target.
	target := sync.OnceValues(func() (*rollout.Target, error) { return connect(ctx) })
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _, _ = target() }()
	cmp := newComparer()
	early := &earlyRead{ids: map[sluice.ResourceID]bool{}, end: make(chan struct{})}
	applied, err := rollout.InventoryFirst(store, key, sluice.TypeStateMachine, func(first []reconcile.Applied) {
		early.start(ctx, stop, first, target, cmp.tell)
		started()
	})
	if err != nil || len(applied) == 0 {
		stop()
		early.wait()
		return applied, nil, err
	}
	// Copied before the comparisons write to applied.
	rest := slices.DeleteFunc(slices.Clone(applied), func(a reconcile.Applied) bool { return early.ids[a.ID] })
	compared := make(chan struct{})
	go func() {
		defer close(compared)
		cmp.run(applied)
	}()
	var observed map[sluice.ResourceID]sluice.Observation
	t, err := target()
	if err == nil {
		if observed, err = rollout.ObserveEach(ctx, t.Backends, rest, cmp.tell); err != nil {
			stop()
		}
	}
	early.wait()
	cmp.close()
	<-compared
	if err == nil {
		err = early.err
	}
	if err != nil {
		return nil, nil, err
	}
	maps.Copy(observed, early.observed)
	return applied, observed, nil
}

// earlyRead is the reading back of the records given first (see
// readBack).
type earlyRead struct {
	ids      map[sluice.ResourceID]bool
	started  bool
	end      chan struct{}
	observed map[sluice.ResourceID]sluice.Observation
	err      error
}

// start reads first back once connected, telling each of every
// observation, and cancels the other reads (stop) if a read fails.
func (e *earlyRead) start(ctx context.Context, stop context.CancelFunc, first []reconcile.Applied,
	target func() (*rollout.Target, error), each func(sluice.ResourceID, sluice.Observation)) {
	if len(first) == 0 {
		return
	}
	for _, a := range first {
		e.ids[a.ID] = true
	}
	e.started = true
	go func() {
		defer close(e.end)
		t, err := target()
		if err != nil {
			e.err = err
			return
		}
		if e.observed, e.err = rollout.ObserveEach(ctx, t.Backends, first, each); e.err != nil {
			stop()
		}
	}()
}

// wait waits for the early reads, if they started, to end.
func (e *earlyRead) wait() {
	if e.started {
		<-e.end
	}
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
