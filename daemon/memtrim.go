package daemon

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Returning memory after a reconcile. Loading and compiling a repository
// of 1,000 pipelines allocates over a gigabyte and leaves the heap at
// twice its live size (GOGC=100). An idle daemon allocates little, so the
// Go runtime would neither collect again nor give those pages back: it
// would sit at its peak until the next push. Once the environments are
// quiet, the trimmer collects and returns the free pages to the operating
// system, when there are enough of them to be worth a collection.
const (
	// trimQuiet is how long no reconcile must have ended before a trim:
	// environments planned side by side trim once, after the last.
	trimQuiet = 2 * time.Second
	// trimGap is the least time between two trims: a daemon reconciling
	// small repositories often spends at most one collection a minute.
	trimGap = time.Minute
	// trimAbove is the memory held beyond the live heap that is worth a
	// collection.
	trimAbove = 32 << 20
)

// memoryTrimmer collects and returns free memory to the operating system
// once reconciles have ended and the daemon is quiet.
type memoryTrimmer struct {
	kicks chan struct{}
	clock clock
	// excess returns the bytes the heap holds beyond its live objects;
	// free collects and returns them. Tests replace both.
	excess func() uint64
	free   func()
}

func newMemoryTrimmer(c clock) *memoryTrimmer {
	return &memoryTrimmer{kicks: make(chan struct{}, 1), clock: c, excess: heapExcess, free: debug.FreeOSMemory}
}

// kick says a reconcile ended. It never blocks.
func (t *memoryTrimmer) kick() {
	select {
	case t.kicks <- struct{}{}:
	default:
	}
}

// run trims after each quiet period that follows kicks, at most once per
// trimGap, until ctx ends.
func (t *memoryTrimmer) run(ctx context.Context) {
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.kicks:
		}
		if !t.waitQuiet(ctx, last) {
			return
		}
		if t.excess() >= trimAbove {
			t.free()
		}
		last = t.clock.now()
	}
}

// waitQuiet waits until trimQuiet has passed without a kick and trimGap
// since the last trim; false when ctx ends first.
func (t *memoryTrimmer) waitQuiet(ctx context.Context, last time.Time) bool {
	for {
		wait := trimQuiet
		if !last.IsZero() {
			wait = max(wait, last.Add(trimGap).Sub(t.clock.now()))
		}
		c, stop := t.clock.timer(wait)
		select {
		case <-ctx.Done():
			stop()
			return false
		case <-t.kicks:
			stop() // another reconcile ended: wait again from now
		case <-c:
			return true
		}
	}
}

// heapExcess returns the heap memory the process holds beyond the live
// heap of the last collection: garbage not yet collected, and free pages
// not yet returned.
func heapExcess() uint64 {
	samples := []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	metrics.Read(samples)
	var held uint64
	for _, s := range samples[:3] {
		if s.Value.Kind() == metrics.KindUint64 {
			held += s.Value.Uint64()
		}
	}
	var live uint64
	if s := samples[3]; s.Value.Kind() == metrics.KindUint64 {
		live = s.Value.Uint64()
	}
	if held <= live {
		return 0
	}
	return held - live
}
