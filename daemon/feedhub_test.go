package daemon

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// counted is a feed value that counts the looks recorded in it.
type counted struct{ n int }

// scriptedHub is a hub of counted feeds whose reader's looks say, in
// turn, what a script says; its timer is fired by hand and reports each
// wait the reader gave up.
type scriptedHub struct {
	hub     *feedHub[string, counted]
	tm      *manualTimer
	now     time.Time
	stopped chan struct{}
	looks   atomic.Int64
	mu      sync.Mutex
	script  []feedStep
	seen    []int // the n each look was handed
	starts  atomic.Int64
}

func newScriptedHub(pace feedPace[counted], script ...feedStep) *scriptedHub {
	s := &scriptedHub{tm: newManualTimer(), stopped: make(chan struct{}, 16), script: script,
		now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	timer := func(d time.Duration) (<-chan time.Time, func()) {
		c, _ := s.tm.timer(d)
		return c, func() { s.stopped <- struct{}{} }
	}
	now := func() time.Time {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.now
	}
	pace.start = func(*counted) { s.starts.Add(1) }
	s.hub = newFeedHub[string](clock{now: now, timer: timer}, context.Background, pace)
	return s
}

// look is the reader: the i-th look does what the script's i-th step
// says (a plain look after the script's end).
func (s *scriptedHub) look(_ context.Context, v counted) func(*counted) feedStep {
	i := int(s.looks.Add(1)) - 1
	s.mu.Lock()
	s.seen = append(s.seen, v.n)
	var step feedStep
	if i < len(s.script) {
		step = s.script[i]
	}
	s.mu.Unlock()
	return func(c *counted) feedStep {
		c.n++
		return step
	}
}

func (s *scriptedHub) advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = s.now.Add(d)
}

func (s *scriptedHub) waits() []time.Duration {
	s.tm.mu.Lock()
	defer s.tm.mu.Unlock()
	return slices.Clone(s.tm.waits)
}

// await waits for an event of c.
func await[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("%s never happens", what)
		panic("unreachable")
	}
}

// running reports whether the feed of key has a reader.
func (s *scriptedHub) running(key string) bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	f := s.hub.feeds[key]
	return f != nil && f.running
}

// waitView waits until a follower's view satisfies ok.
func waitView(t *testing.T, view feedView[counted], ok func(n int, done bool) bool) {
	t.Helper()
	for {
		var wake <-chan struct{}
		var met bool
		view(func(v *counted, w <-chan struct{}, done bool) { met, wake = ok(v.n, done), w })
		if met {
			return
		}
		select {
		case <-wake:
		case <-time.After(30 * time.Second):
			t.Fatal("the follower is never woken")
		}
	}
}

// TestFeedHubSharesOneReader: however many follow a key, one reader
// looks, once per wait, and every follower sees every look.
func TestFeedHubSharesOneReader(t *testing.T) {
	for _, followers := range []int{1, 2, 8} {
		s := newScriptedHub(feedPace[counted]{pollPace: pollPace{first: 2 * time.Second, most: 30 * time.Second}},
			feedStep{moved: true}, feedStep{moved: true}, feedStep{moved: true}, feedStep{moved: true})
		views := make([]feedView[counted], followers)
		for i := range views {
			var leave func()
			views[i], leave = s.hub.subscribe("k", s.look)
			defer leave()
		}
		for range 3 {
			s.tm.fire(t)
		}
		await(t, s.tm.pending, "the wait after the fourth look")
		for _, v := range views {
			waitView(t, v, func(n int, _ bool) bool { return n == 4 })
		}
		if n := s.looks.Load(); n != 4 || s.starts.Load() != 1 {
			t.Errorf("%d followers: %d looks by %d readers, want 4 by 1", followers, n, s.starts.Load())
		}
	}
}

// TestFeedHubStopsWithTheLastFollower: the reader stops when the last
// follower leaves, not before; without resume the feed is forgotten
// and the next follower's reader starts afresh, with resume it is kept
// for endedGrace and the next follower's reader goes on from what it
// holds.
func TestFeedHubStopsWithTheLastFollower(t *testing.T) {
	cases := []struct {
		resume bool
		kept   bool // the feed is there once no one follows it
		handed int  // what the next reader's first look is handed
	}{
		{resume: false, kept: false, handed: 0},
		{resume: true, kept: true, handed: 1},
	}
	for _, c := range cases {
		s := newScriptedHub(feedPace[counted]{pollPace: pollPace{first: 2 * time.Second, most: 30 * time.Second}, resume: c.resume},
			feedStep{moved: true})
		view, leave := s.hub.subscribe("k", s.look)
		_, leave2 := s.hub.subscribe("k", s.look)
		waitView(t, view, func(n int, _ bool) bool { return n == 1 })
		await(t, s.tm.pending, "the reader's wait")
		leave()
		leave() // twice: counted once
		if !s.running("k") {
			t.Fatalf("resume %v: the reader stopped while a follower was left", c.resume)
		}
		leave2()
		await(t, s.stopped, "the reader giving up its wait")
		if kept := s.hub.find("k", func(*counted, bool) {}); kept != c.kept || s.looks.Load() != 1 || s.running("k") {
			t.Errorf("resume %v: after the last follower left: kept %v after %d looks, want %v after 1", c.resume, kept, s.looks.Load(), c.kept)
		}
		_, leave = s.hub.subscribe("k", s.look)
		await(t, s.tm.pending, "the next reader's wait")
		s.mu.Lock()
		seen := slices.Clone(s.seen)
		s.mu.Unlock()
		if len(seen) != 2 || seen[1] != c.handed || s.starts.Load() != 2 {
			t.Errorf("resume %v: the next reader was handed %v after %d starts, want %d as its second look after 2", c.resume, seen, s.starts.Load(), c.handed)
		}
		leave()
		await(t, s.stopped, "the next reader giving up its wait")
		s.advance(endedGrace + time.Second)
		if s.hub.find("k", func(*counted, bool) {}) {
			t.Errorf("resume %v: a feed no one follows is kept past endedGrace", c.resume)
		}
	}
}

// TestFeedHubPace: the reader waits pace.first after a move, half as
// long again each look that moves nothing, up to pace.most; a wake
// alone does not count as a move; it looks again at once while there
// is more, and stops at the end.
func TestFeedHubPace(t *testing.T) {
	const s2, s3, s4h, s5 = 2 * time.Second, 3 * time.Second, 4500 * time.Millisecond, 5 * time.Second
	moved, still, wake, more, end := feedStep{moved: true}, feedStep{}, feedStep{wake: true}, feedStep{more: true}, feedStep{end: true}
	cases := []struct {
		name   string
		script []feedStep
		waits  []time.Duration
	}{
		{"grows while nothing moves, up to most", []feedStep{moved, still, still, still, still}, []time.Duration{s2, s3, s4h, s5, s5}},
		{"a move resets it", []feedStep{moved, still, still, moved, still}, []time.Duration{s2, s3, s4h, s2, s3}},
		{"a first look that moves nothing", []feedStep{still, still}, []time.Duration{s3, s4h}},
		{"a wake is no move", []feedStep{moved, still, wake, still}, []time.Duration{s2, s3, s4h, s5}},
		{"more is read at once", []feedStep{more, more, moved, more, still}, []time.Duration{s2, s3}},
		{"the end stops it", []feedStep{moved, still, end}, []time.Duration{s2, s3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScriptedHub(feedPace[counted]{pollPace: pollPace{first: s2, most: s5}}, c.script...)
			view, leave := s.hub.subscribe("k", s.look)
			defer leave()
			ends := c.script[len(c.script)-1].end
			for i := range c.waits {
				ch := await(t, s.tm.pending, "a wait")
				if ends || i < len(c.waits)-1 {
					ch <- time.Time{}
				}
			}
			if ends {
				waitView(t, view, func(_ int, done bool) bool { return done })
			}
			if got := s.waits(); !slices.Equal(got, c.waits) {
				t.Errorf("waits %v, want %v", got, c.waits)
			}
			if n := s.looks.Load(); n != int64(len(c.script)) {
				t.Errorf("%d looks, want %d", n, len(c.script))
			}
		})
	}
}

// TestFeedHubForgetsAFailure: a look that fails ends the feed for its
// followers and forgets it, so that the next follower looks again; an
// ended feed is kept for endedGrace after its end.
func TestFeedHubForgetsAFailure(t *testing.T) {
	for _, forget := range []bool{true, false} {
		s := newScriptedHub(feedPace[counted]{pollPace: pollPace{first: 2 * time.Second, most: 30 * time.Second}},
			feedStep{moved: true, end: true, forget: forget})
		view, leave := s.hub.subscribe("k", s.look)
		waitView(t, view, func(n int, done bool) bool { return n == 1 && done })
		leave()
		if kept := s.hub.find("k", func(*counted, bool) {}); kept == forget {
			t.Errorf("forget %v: the ended feed kept: %v", forget, kept)
		}
		view, leave = s.hub.subscribe("k", s.look)
		want := int64(1)
		if forget {
			want = 2
			await(t, s.tm.pending, "the new reader's wait")
		} else {
			waitView(t, view, func(n int, done bool) bool { return n == 1 && done })
		}
		if n := s.looks.Load(); n != want {
			t.Errorf("forget %v: %d looks after a second follower, want %d", forget, n, want)
		}
		leave()
		if !forget {
			s.advance(endedGrace + time.Second)
			if s.hub.find("k", func(*counted, bool) {}) {
				t.Errorf("an ended feed is kept past endedGrace")
			}
		}
	}
}

// TestFeedHubWakes: a look wakes the followers when it moved, when it
// says so, or when the feed ended; not otherwise.
func TestFeedHubWakes(t *testing.T) {
	cases := []struct {
		name  string
		step  feedStep
		woken bool
	}{
		{"nothing new", feedStep{}, false},
		{"more to read", feedStep{more: true}, false},
		{"a move", feedStep{moved: true}, true},
		{"a wake", feedStep{wake: true}, true},
		{"the end", feedStep{end: true}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScriptedHub(feedPace[counted]{pollPace: pollPace{first: 2 * time.Second, most: 30 * time.Second}}, feedStep{}, c.step)
			view, leave := s.hub.subscribe("k", s.look)
			defer leave()
			first := await(t, s.tm.pending, "the wait after the first look")
			var wake <-chan struct{}
			view(func(_ *counted, w <-chan struct{}, _ bool) { wake = w })
			first <- time.Time{}
			if c.step.end {
				waitView(t, view, func(_ int, done bool) bool { return done })
			} else {
				// the reader recorded the second look (and the third, with
				// more) before it waits again
				await(t, s.tm.pending, "the wait after the second look")
			}
			select {
			case <-wake:
				if !c.woken {
					t.Error("the followers were woken")
				}
			default:
				if c.woken {
					t.Error("the followers were not woken")
				}
			}
		})
	}
}

// TestRunPollPace: a run is read every 2 s at first, half as long again
// each look that saw no move, at most every 30 s, and every 2 s again
// after a move (the pages' reader; the daemon's follower never moves).
func TestRunPollPace(t *testing.T) {
	p := runPollPace()
	cases := []struct {
		name  string
		moved []bool
		want  []time.Duration
	}{
		{"still", []bool{false, false, false, false, false, false, false, false},
			[]time.Duration{3e9, 4.5e9, 6.75e9, 10.125e9, 15.1875e9, 22.78125e9, 30e9, 30e9}},
		{"a move", []bool{false, false, true, false}, []time.Duration{3e9, 4.5e9, 2e9, 3e9}},
	}
	for _, c := range cases {
		wait := p.first
		var got []time.Duration
		for _, m := range c.moved {
			wait = p.next(wait, m)
			got = append(got, wait)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: waits %v, want %v", c.name, got, c.want)
		}
	}
}
