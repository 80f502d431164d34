package daemon_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a simulated clock for the daemon: time moves only when a
// test advances it, firing the timers that come due in order.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	// started counts the timers started, immediate ones included;
	// immediate counts those of d <= 0, which fire at once: a loop that
	// starts them again and again spins.
	started, immediate int
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

// Now returns the simulated time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer starts a timer of d on the simulated time; one of d <= 0
// fires at once.
func (c *fakeClock) NewTimer(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started++
	t := &fakeTimer{at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		c.immediate++
		t.ch <- c.now
		return t.ch, func() {}
	}
	c.timers = append(c.timers, t)
	return t.ch, func() { c.stop(t) }
}

func (c *fakeClock) stop(t *fakeTimer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.timers = slices.DeleteFunc(c.timers, func(x *fakeTimer) bool { return x == t })
}

// pending returns the number of timers running.
func (c *fakeClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// waitPending waits until n timers run: the pollers and workers are
// waiting.
func (c *fakeClock) waitPending(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for c.pending() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d timers running, want %d", c.pending(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// advance moves the clock by d, firing each timer that comes due in
// turn; after each, it waits until what the timer woke starts its next
// timer (every poller and worker of these tests has one running while
// it waits), so that the daemon keeps up with the simulated time.
func (c *fakeClock) advance(t *testing.T, d time.Duration) {
	t.Helper()
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for {
		c.mu.Lock()
		slices.SortFunc(c.timers, func(a, b *fakeTimer) int { return a.at.Compare(b.at) })
		if len(c.timers) == 0 || c.timers[0].at.After(end) {
			c.now = end
			c.mu.Unlock()
			return
		}
		next := c.timers[0]
		c.timers = c.timers[1:]
		c.now = next.at
		started := c.started
		next.ch <- next.at
		c.mu.Unlock()
		deadline := time.Now().Add(30 * time.Second)
		for c.startedSince(started) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("a timer fired and nothing waited again")
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// immediateTimers returns the number of timers started that fired at
// once.
func (c *fakeClock) immediateTimers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.immediate
}

func (c *fakeClock) startedSince(n int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.started - n
}

// logRecorder keeps the daemon's log records.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecorder) logger() *slog.Logger { return slog.New(&recordHandler{l: l}) }

// matching returns the records at level with message msg whose
// attributes include attrs.
func (l *logRecorder) matching(level slog.Level, msg string, attrs map[string]string) []map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]string
	for _, r := range l.records {
		if r.Level != level || r.Message != msg {
			continue
		}
		got := map[string]string{}
		r.Attrs(func(a slog.Attr) bool { got[a.Key] = a.Value.String(); return true })
		match := true
		for k, v := range attrs {
			match = match && got[k] == v
		}
		if match {
			out = append(out, got)
		}
	}
	return out
}

// waitMatching waits, up to 30 s of wall time, until at least n records
// match (what a timer woke may still be running when advance returns:
// advance waits for the next timer started, which another poller can
// start first), and returns them.
func (l *logRecorder) waitMatching(t *testing.T, n int, level slog.Level, msg string, attrs map[string]string) []map[string]string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		lines := l.matching(level, msg, attrs)
		if len(lines) >= n || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(time.Millisecond)
	}
}

// recordHandler is a slog.Handler that appends to a logRecorder, with
// the attributes of With.
type recordHandler struct {
	l     *logRecorder
	attrs []slog.Attr
}

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(h.attrs...)
	h.l.mu.Lock()
	h.l.records = append(h.l.records, r)
	h.l.mu.Unlock()
	return nil
}

func (h *recordHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &recordHandler{l: h.l, attrs: append(slices.Clone(h.attrs), attrs...)}
}

func (h *recordHandler) WithGroup(string) slog.Handler { return h }
