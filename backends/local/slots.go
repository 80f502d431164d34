package local

import (
	"context"
	"math"
	"sync"
)

// pool is a compute environment's vCPU slots, counted in thousandths of
// a vCPU so fractional requests (Fargate's 0.25, 0.5) are exact.
type pool struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	// freed is closed and replaced whenever slots are released or the
	// capacity changes, waking every waiter to look again.
	freed chan struct{}
}

// milli converts vCPUs to thousandths, rounding up.
func milli(vcpus float64) int64 { return int64(math.Ceil(vcpus * 1000)) }

// poolFor returns the pool of compute environment ce, sized (or
// resized, when its maxvCpus changed) to vcpus.
func (w *World) poolFor(ce string, vcpus float64) *pool {
	v, _ := w.pools.LoadOrStore(ce, &pool{freed: make(chan struct{})})
	p := v.(*pool)
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := milli(vcpus); c != p.capacity {
		p.capacity = c
		p.wake()
	}
	return p
}

// wake tells the waiters to look again; p.mu must be held.
func (p *pool) wake() {
	close(p.freed)
	p.freed = make(chan struct{})
}

// acquire takes n slots, blocking until they are free. It fails with
// ctx's error when ctx ends first.
func (p *pool) acquire(ctx context.Context, n int64) error {
	for {
		p.mu.Lock()
		if p.used+n <= p.capacity {
			p.used += n
			p.mu.Unlock()
			return nil
		}
		freed := p.freed
		p.mu.Unlock()
		select {
		case <-freed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// release gives back n slots.
func (p *pool) release(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.used -= n
	p.wake()
}
