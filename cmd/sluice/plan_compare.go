package main

import (
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/parallel"
	"github.com/sluice-dev/sluice/reconcile"
)

// comparer compares observations with their records' baselines as they
// arrive (reconcile.Applied.CompareObserved), while the reads wait for
// their quotas: after the last read of a drift check, only the last
// observations are left for the plan to compare. Being told of an
// observation never waits, so no read waits for a comparison.
type comparer struct {
	mu      sync.Mutex
	pending []arrival
	closed  bool
	wake    chan struct{}
}

// arrival is one observation told to a comparer.
type arrival struct {
	id  sluice.ResourceID
	obs sluice.Observation
}

func newComparer() *comparer { return &comparer{wake: make(chan struct{}, 1)} }

// tell queues obs, the observation of id, for comparison. Safe for
// concurrent use.
func (c *comparer) tell(id sluice.ResourceID, obs sluice.Observation) {
	c.mu.Lock()
	c.pending = append(c.pending, arrival{id, obs})
	c.mu.Unlock()
	c.signal()
}

// close says nothing more will be told: run returns once it has compared
// what it was.
func (c *comparer) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.signal()
}

func (c *comparer) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// run compares what it is told with the records of applied, on every
// core, until close; an observation of a resource not in applied is
// left. applied must not be used meanwhile.
func (c *comparer) run(applied []reconcile.Applied) {
	index := make(map[sluice.ResourceID]int, len(applied))
	for i := range applied {
		index[applied[i].ID] = i
	}
	for {
		c.mu.Lock()
		batch, closed := c.pending, c.closed
		c.pending = nil
		c.mu.Unlock()
		if len(batch) == 0 {
			if closed {
				return
			}
			<-c.wake
			continue
		}
		parallel.For(len(batch), 64, func(i int) {
			if at, ok := index[batch[i].id]; ok {
				applied[at].CompareObserved(batch[i].obs)
			}
		})
	}
}
