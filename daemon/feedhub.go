package daemon

import (
	"context"
	"sync"
	"time"
)

// feedHub shares one reader per key among the followers of what the key
// names (a run, an attempt's log): however many follow it, one reader
// looks, first at once, then again at once while more is there,
// otherwise at the hub's pollPace. Each move, and the end, wakes the followers.
// The reader stops when a look says the feed ended (its value is kept
// for endedGrace, unless the look failed) or when the last follower
// leaves. What each feed holds is the value V that its looks record;
// the hub's lock guards it.
type feedHub[K comparable, V any] struct {
	mu    sync.Mutex
	feeds map[K]*feed[V]
	clock clock
	// base is the context readers run under (the daemon's work).
	base func() context.Context
	pace feedPace[V]
}

// pollPace is how long a poll waits between looks: first after a look
// that moved, half as long again after each look that moved nothing,
// up to most.
type pollPace struct{ first, most time.Duration }

// next returns the wait after a look, wait being the one before it.
func (p pollPace) next(wait time.Duration, moved bool) time.Duration {
	if moved {
		return p.first
	}
	return min(wait*3/2, p.most)
}

// runPollPace is how often a running run is read, by the pages' shared
// reader and by the daemon's follower of the runs it started: every 2 s
// at first, at most every 30 s, so that long runs spend little of the
// account's read quota.
func runPollPace() pollPace { return pollPace{first: 2 * time.Second, most: 30 * time.Second} }

// feedPace is how a hub's readers wait and how long it keeps feeds.
type feedPace[V any] struct {
	pollPace
	// resume keeps a feed for endedGrace after its last follower left,
	// and the next follower starts its reader again from what it holds.
	// Without it, a feed left before it ended is forgotten at once, and
	// an ended one is forgotten endedGrace after its end, followed or not.
	resume bool
	// start, when set, readies a feed's value (under the hub's lock)
	// each time a reader starts on it.
	start func(v *V)
}

// feed is one key's shared reader and what its looks recorded.
type feed[V any] struct {
	val V
	// wake is closed, and replaced, when a look moved or woke the
	// followers, or the feed ended.
	wake    chan struct{}
	subs    int
	running bool
	done    bool
	cancel  context.CancelFunc
	// left is when the feed ended or, with pace.resume, last had no
	// follower.
	left time.Time
}

// A feedLook reads once what a feed follows, outside the hub's lock;
// v is a copy of the feed's value as it was before the read. The
// function it returns records the read in the feed's value, under the
// lock, and says what the read did.
type feedLook[V any] func(ctx context.Context, v V) func(v *V) feedStep

// feedStep is what one look did to a feed.
type feedStep struct {
	// moved: something new; the followers are woken and the next wait
	// is pace.first again.
	moved bool
	// wake: the followers have something to see, though it is no move
	// (the wait still grows).
	wake bool
	// more: more is there to read: look again at once.
	more bool
	// end: the reader stops for good; with forget (a failed read) the
	// feed is not kept, so that the next follower reads again.
	end, forget bool
}

// feedView calls fn with a feed's value, its wake channel and whether
// it ended, under the hub's lock.
type feedView[V any] func(fn func(v *V, wake <-chan struct{}, done bool))

func newFeedHub[K comparable, V any](c clock, base func() context.Context, pace feedPace[V]) *feedHub[K, V] {
	return &feedHub[K, V]{feeds: map[K]*feed[V]{}, clock: c, base: base, pace: pace}
}

// subscribe follows the feed of key, starting its reader (look) when
// none runs and the feed has not ended, and returns the follower's view
// of the feed and the unsubscribe (which counts once however often it
// is called).
func (h *feedHub[K, V]) subscribe(key K, look feedLook[V]) (feedView[V], func()) {
	h.mu.Lock()
	h.sweep()
	f := h.feeds[key]
	if f == nil {
		f = &feed[V]{wake: make(chan struct{})}
		h.feeds[key] = f
	}
	f.subs++
	if !f.running && !f.done {
		ctx, cancel := context.WithCancel(h.base())
		f.running, f.cancel = true, cancel
		if h.pace.start != nil {
			h.pace.start(&f.val)
		}
		go func() {
			defer cancel()
			h.poll(ctx, key, f, look)
		}()
	}
	h.mu.Unlock()
	view := func(fn func(v *V, wake <-chan struct{}, done bool)) {
		h.mu.Lock()
		defer h.mu.Unlock()
		fn(&f.val, f.wake, f.done)
	}
	var once sync.Once
	return view, func() { once.Do(func() { h.leave(key, f) }) }
}

// leave counts a follower of f out; the last one stops its reader.
func (h *feedHub[K, V]) leave(key K, f *feed[V]) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f.subs--; f.subs > 0 {
		return
	}
	if f.running {
		f.cancel() // under h.mu: the reader drops what it was reading
		f.running = false
	}
	switch {
	case h.pace.resume:
		f.left = h.clock.now()
	case !f.done && h.feeds[key] == f:
		delete(h.feeds, key)
	}
}

// find calls fn with the value of key's feed and whether it ended,
// under the hub's lock, and reports whether there is such a feed.
func (h *feedHub[K, V]) find(key K, fn func(v *V, done bool)) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sweep()
	f := h.feeds[key]
	if f == nil {
		return false
	}
	fn(&f.val, f.done)
	return true
}

// sweep forgets the feeds kept for longer than endedGrace: with
// pace.resume those no one follows, otherwise those that ended. The
// caller holds h.mu.
func (h *feedHub[K, V]) sweep() {
	now := h.clock.now()
	for k, f := range h.feeds {
		kept := f.done
		if h.pace.resume {
			kept = f.subs == 0
		}
		if kept && now.Sub(f.left) > endedGrace {
			delete(h.feeds, k)
		}
	}
}

// poll is a feed's reader.
func (h *feedHub[K, V]) poll(ctx context.Context, key K, f *feed[V], look feedLook[V]) {
	wait := h.pace.first
	for {
		h.mu.Lock()
		v := f.val
		h.mu.Unlock()
		record := look(ctx, v)
		h.mu.Lock()
		if ctx.Err() != nil {
			// The last follower left (cancel is called under h.mu): the
			// read is dropped.
			h.mu.Unlock()
			return
		}
		step := record(&f.val)
		if step.end {
			f.done, f.running, f.left = true, false, h.clock.now()
			if step.forget && h.feeds[key] == f {
				delete(h.feeds, key)
			}
		}
		if step.moved || step.wake || step.end {
			close(f.wake)
			f.wake = make(chan struct{})
		}
		h.mu.Unlock()
		switch {
		case step.end:
			return
		case step.more:
			continue
		}
		wait = h.pace.next(wait, step.moved)
		c, stop := h.clock.timer(wait)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-c:
		}
	}
}
