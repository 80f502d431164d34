package asl

import (
	"context"
	"errors"
	"strconv"
	"sync"
)

// firstError keeps the error that stopped a group of branches or
// iterations, preferring a *Failure to the cancellations it caused.
type firstError struct {
	mu     sync.Mutex
	err    error
	cancel context.CancelFunc
}

// set records err and cancels the group; a later error replaces an
// earlier one only when the earlier was no *Failure.
func (g *firstError) set(err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var f *Failure
	if g.err == nil || (!errors.As(g.err, &f) && errors.As(err, &f)) {
		g.err = err
	}
	g.cancel()
}

func (g *firstError) get() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}

// parallel runs every branch at once on the same input and returns
// their outputs in branch order. The first branch to fail cancels the
// others, and its failure is the state's.
func (r *run) parallel(ctx context.Context, st *state, in any, where string) (any, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g := &firstError{cancel: cancel}
	out := make([]any, len(st.branches))
	var wg sync.WaitGroup
	for i, b := range st.branches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prefix := join(where, strconv.Itoa(i))
			r.emit(Event{Type: EventParallelBranchStarted, State: st.name, Path: prefix})
			v, err := r.runScope(ctx, b, in, prefix)
			if err != nil {
				g.set(err)
			}
			out[i] = v
		}()
	}
	wg.Wait()
	if err := g.get(); err != nil {
		return nil, err
	}
	return out, nil
}
