package daemon

import (
	"context"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"
)

// trimTimer is one wait of the trimmer, fired by the test.
type trimTimer struct {
	d       time.Duration
	ch      chan time.Time
	stopped atomic.Bool
}

// trimHarness runs a memoryTrimmer on a hand-driven clock and counts its
// collections.
type trimHarness struct {
	t      *testing.T
	trim   *memoryTrimmer
	now    time.Time
	waits  chan *trimTimer
	frees  atomic.Int32
	excess atomic.Uint64
	done   chan struct{}
}

func newTrimHarness(t *testing.T) *trimHarness {
	h := &trimHarness{t: t, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), waits: make(chan *trimTimer, 64), done: make(chan struct{})}
	c := clock{now: func() time.Time { return h.now }, timer: func(d time.Duration) (<-chan time.Time, func()) {
		tt := &trimTimer{d: d, ch: make(chan time.Time, 1)}
		h.waits <- tt
		return tt.ch, func() { tt.stopped.Store(true) }
	}}
	h.trim = newMemoryTrimmer(c)
	h.trim.excess = h.excess.Load
	h.trim.free = func() { h.frees.Add(1) }
	h.excess.Store(trimAbove)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { h.trim.run(ctx); close(h.done) }()
	t.Cleanup(func() {
		cancel()
		<-h.done
	})
	return h
}

// wait returns the next wait the trimmer starts.
func (h *trimHarness) wait() *trimTimer {
	h.t.Helper()
	select {
	case tt := <-h.waits:
		return tt
	case <-time.After(30 * time.Second):
		h.t.Fatal("the trimmer does not wait")
		return nil
	}
}

// idle checks that the trimmer has started no wait it was not asked for.
func (h *trimHarness) idle() {
	h.t.Helper()
	select {
	case tt := <-h.waits:
		h.t.Fatalf("the trimmer started a wait of %s with no reconcile ended", tt.d)
	default:
	}
}

func TestTrimmerTrimsOnceAfterABurst(t *testing.T) {
	h := newTrimHarness(t)
	h.trim.kick()
	first := h.wait()
	if first.d != trimQuiet {
		t.Fatalf("first wait %s, want %s", first.d, trimQuiet)
	}
	// Two more environments end their reconciles during the wait: it
	// starts again from the last.
	h.trim.kick()
	second := h.wait()
	h.trim.kick()
	third := h.wait()
	if !first.stopped.Load() || !second.stopped.Load() || third.d != trimQuiet {
		t.Fatalf("waits after kicks: stopped %v %v, last %s", first.stopped.Load(), second.stopped.Load(), third.d)
	}
	third.ch <- h.now
	h.trim.kick() // the next event: the trim has happened
	next := h.wait()
	if n := h.frees.Load(); n != 1 {
		t.Fatalf("%d collections after a burst of three reconciles, want 1", n)
	}
	// A reconcile soon after a trim waits out the gap since it.
	if next.d != trimGap {
		t.Fatalf("wait after a trim %s, want %s", next.d, trimGap)
	}
	h.now = h.now.Add(trimGap)
	next.ch <- h.now
	h.trim.kick()
	h.wait()
	if n := h.frees.Load(); n != 2 {
		t.Fatalf("%d collections, want 2", n)
	}
	h.idle()
}

func TestTrimmerSkipsSmallExcess(t *testing.T) {
	h := newTrimHarness(t)
	h.excess.Store(trimAbove - 1)
	for range 3 {
		h.trim.kick()
		w := h.wait()
		h.now = h.now.Add(trimGap)
		w.ch <- h.now
	}
	h.trim.kick()
	h.wait()
	if n := h.frees.Load(); n != 0 {
		t.Fatalf("%d collections for %d bytes held beyond the live heap, want none", n, trimAbove-1)
	}
}

func TestHeapExcessReadsTheRuntime(t *testing.T) {
	// With collection off, the garbage stays in the heap until the
	// collection FreeOSMemory forces.
	debug.FreeOSMemory()
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	if n := allocateGarbage(64); n != 64<<20 {
		t.Fatal(n)
	}
	if got := heapExcess(); got < trimAbove {
		t.Fatalf("heapExcess = %d bytes after dropping 64 MiB, want at least %d", got, trimAbove)
	}
	debug.FreeOSMemory()
	if got := heapExcess(); got >= trimAbove {
		t.Fatalf("heapExcess = %d bytes after returning the free memory, want less than %d", got, trimAbove)
	}
}

// allocateGarbage allocates mib MiB that are garbage once it returns,
// and returns how many bytes it allocated.
func allocateGarbage(mib int) int {
	total := 0
	for range mib {
		b := make([]byte, 1<<20)
		b[len(b)-1] = 1
		total += len(b)
	}
	return total
}
