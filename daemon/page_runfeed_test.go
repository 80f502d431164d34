package daemon

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// manualTimer is a timer a test fires by hand; it records each wait.
type manualTimer struct {
	mu      sync.Mutex
	waits   []time.Duration
	pending chan chan time.Time
}

func newManualTimer() *manualTimer { return &manualTimer{pending: make(chan chan time.Time, 16)} }

func (m *manualTimer) timer(d time.Duration) (<-chan time.Time, func()) {
	m.mu.Lock()
	m.waits = append(m.waits, d)
	m.mu.Unlock()
	ch := make(chan time.Time, 1)
	m.pending <- ch
	return ch, func() {}
}

// fire ends the wait the reader is in, once it waits.
func (m *manualTimer) fire(t *testing.T) {
	t.Helper()
	select {
	case ch := <-m.pending:
		ch <- time.Time{}
	case <-time.After(30 * time.Second):
		t.Fatal("the reader does not wait")
	}
}

// waitSeq waits until a follower sees seq (or the end, when done).
func waitSeq(t *testing.T, state func() feedState, seq uint64, done bool) feedState {
	t.Helper()
	for {
		s := state()
		if s.Read && s.Seq == seq && s.Done == done {
			return s
		}
		if s.Seq > seq {
			t.Fatalf("follower at seq %d, want %d", s.Seq, seq)
		}
		select {
		case <-s.Wake:
		case <-time.After(30 * time.Second):
			t.Fatalf("follower stuck at seq %d done %v, want %d %v", s.Seq, s.Done, seq, done)
		}
	}
}

// TestRunFeedsShareReads: eight followers of a running run (event
// streams) and page views while they follow cost one read per poll, not
// one per follower: DescribeExecution is called 4 times for a run read
// 4 times, every follower sees each move and the end, and the reader
// waits 2 s, then longer while nothing moves, 2 s again after a move.
func TestRunFeedsShareReads(t *testing.T) {
	tm := newManualTimer()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	feeds := newRunFeeds(tm.timer, func() time.Time { return now }, context.Background)
	var describes atomic.Int64
	gate := make(chan struct{})
	script := []Run{ // what each DescribeExecution returns, in turn
		{Execution: sluice.Execution{Name: "r1", Status: sluice.ExecutionRunning}},
		{Execution: sluice.Execution{Name: "r1", Status: sluice.ExecutionRunning}},
		{Execution: sluice.Execution{Name: "r1", Status: sluice.ExecutionRunning, Steps: []sluice.StepRun{{State: "a", Status: "RUNNING"}}}},
		{Execution: sluice.Execution{Name: "r1", Status: sluice.ExecutionSucceeded, Steps: []sluice.StepRun{{State: "a", Status: "SUCCEEDED"}}}},
	}
	describe := func(context.Context) (Run, error) {
		n := describes.Add(1)
		if n == 1 {
			<-gate
		}
		return script[min(int(n), len(script))-1], nil
	}
	key := runKey{"dev", "p", "r1"}
	const viewers = 8
	states := make([]func() feedState, viewers)
	for i := range viewers {
		var leave func()
		states[i], leave = feeds.follow(key, describe)
		defer leave()
	}
	close(gate)
	for _, st := range states {
		waitSeq(t, st, 1, false)
	}
	for range 3 {
		if run, ok := feeds.latest(key); !ok || run.Name != "r1" {
			t.Fatalf("a page view while the run is followed: %v %v", run, ok)
		}
	}
	if n := describes.Load(); n != 1 {
		t.Fatalf("%d DescribeExecution calls after the first read with %d followers, want 1", n, viewers)
	}
	tm.fire(t) // read 2: nothing moved
	tm.fire(t) // read 3: a step started
	for _, st := range states {
		waitSeq(t, st, 2, false)
	}
	tm.fire(t) // read 4: the run ended
	for _, st := range states {
		if s := waitSeq(t, st, 3, true); s.Run.Status != sluice.ExecutionSucceeded {
			t.Errorf("the end seen as %s", s.Run.Status)
		}
	}
	if n := describes.Load(); n != 4 {
		t.Errorf("%d DescribeExecution calls for 4 reads with %d followers, want 4", n, viewers)
	}
	tm.mu.Lock()
	waits := tm.waits
	tm.mu.Unlock()
	if want := []time.Duration{2 * time.Second, 3 * time.Second, 2 * time.Second}; len(waits) != 3 || waits[0] != want[0] || waits[1] != want[1] || waits[2] != want[2] {
		t.Errorf("the reader waited %v, want %v", waits, want)
	}
	// The end makes every follower's page fetch itself once more: served
	// from the last read, as is a follower that comes just then.
	for range viewers {
		if run, ok := feeds.latest(key); !ok || run.Status != sluice.ExecutionSucceeded {
			t.Errorf("a page view right after the end: %v %v", run.Status, ok)
		}
	}
	late, leave := feeds.follow(key, describe)
	if s := late(); !s.Done || s.Run.Status != sluice.ExecutionSucceeded {
		t.Errorf("a follower right after the end sees %+v", s)
	}
	leave()
	if n := describes.Load(); n != 4 {
		t.Errorf("%d DescribeExecution calls after the end, want still 4", n)
	}
	now = now.Add(endedGrace + time.Second)
	if _, ok := feeds.latest(key); ok {
		t.Errorf("an ended run is still served from its feed after %s", endedGrace)
	}
}

// TestRunFeedStopsWithItsFollowers: the reader stops reading once the
// last follower leaves, and a new follower starts a new one.
func TestRunFeedStopsWithItsFollowers(t *testing.T) {
	tm := newManualTimer()
	feeds := newRunFeeds(tm.timer, time.Now, context.Background)
	var describes atomic.Int64
	describe := func(context.Context) (Run, error) {
		describes.Add(1)
		return Run{Execution: sluice.Execution{Name: "r1", Status: sluice.ExecutionRunning}}, nil
	}
	key := runKey{"dev", "p", "r1"}
	state, leave := feeds.follow(key, describe)
	_, leave2 := feeds.follow(key, describe)
	waitSeq(t, state, 1, false)
	<-tm.pending // the reader waits for its next poll
	leave()
	leave()  // twice: counted once
	leave2() // the last follower
	feeds.mu.Lock()
	left := len(feeds.feeds)
	feeds.mu.Unlock()
	if left != 0 || describes.Load() != 1 {
		t.Errorf("after the last follower left: %d feeds, %d reads; want 0, 1", left, describes.Load())
	}
	state, leave = feeds.follow(key, describe)
	defer leave()
	waitSeq(t, state, 1, false)
	if describes.Load() != 2 {
		t.Errorf("a new follower: %d reads, want 2", describes.Load())
	}
}
