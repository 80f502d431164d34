package daemon

import (
	"context"
	"sync"
	"time"

	"github.com/sluice-dev/sluice"
)

// logFeeds share the reads of the step logs that pages follow: however
// many log pages and their event streams watch a running attempt, one
// reader reads its log (on AWS, one GetLogEvents per look, not one per
// viewer), part after part while parts come, then every 2 s, less often
// the longer nothing comes (at most every 10 s). The reader stops when
// the attempt has ended and its log is read to the end, when a read
// fails, or when the last follower leaves; what it read is kept for
// endedGrace after that, so that the next page view or stream (a page's
// script connects right after the page loaded) goes on from where it
// was rather than reading the log again.
type logFeeds struct {
	mu    sync.Mutex
	feeds map[logKey]*logFeed
	timer func(d time.Duration) (<-chan time.Time, func())
	now   func() time.Time
	base  func() context.Context
}

// logKey names an attempt's log as the pages read it.
type logKey struct {
	env, run, path string
	attempt        int
}

// Bounds of a log feed's waits while it is caught up with the log.
const (
	minLogLook = 2 * time.Second
	maxLogLook = 10 * time.Second
)

// logFeed is one attempt log's shared reader and what it read.
type logFeed struct {
	// text is the end of what was read (at most maxLogShown bytes): the
	// bytes of the log from offset base to base+len(text).
	text []byte
	base int64
	// token reads on; status is the attempt's, as the last part said.
	token, status string
	err           error
	// caught says the last part read reached the end of what was
	// written.
	read, caught, done bool
	// wake is closed, and replaced, when text grows or the feed ends.
	wake    chan struct{}
	subs    int
	running bool
	cancel  context.CancelFunc
	// left is when the feed last had no follower, or ended.
	left time.Time
}

// logState is what a follower sees of a feed at one moment: the text
// from offset From (the feed's base or later) to End.
type logState struct {
	Text               []byte
	From, End          int64
	Status             string
	Err                error
	Read, Caught, Done bool
	Wake               <-chan struct{}
}

func newLogFeeds(timer func(time.Duration) (<-chan time.Time, func()), now func() time.Time, base func() context.Context) *logFeeds {
	return &logFeeds{feeds: map[logKey]*logFeed{}, timer: timer, now: now, base: base}
}

// sweep forgets the feeds nobody has followed for endedGrace. The
// caller holds fs.mu.
func (fs *logFeeds) sweep() {
	for k, f := range fs.feeds {
		if f.subs == 0 && fs.now().Sub(f.left) > endedGrace {
			delete(fs.feeds, k)
		}
	}
}

// follow subscribes to the log key names, starting its reader (read,
// from the feed's token) when none runs and the feed has not ended,
// and returns the feed's state from offset from on and the unsubscribe.
func (fs *logFeeds) follow(key logKey, read func(ctx context.Context, token string) (LogPart, error)) (func(from int64) logState, func()) {
	fs.mu.Lock()
	fs.sweep()
	f := fs.feeds[key]
	if f == nil {
		f = &logFeed{wake: make(chan struct{})}
		fs.feeds[key] = f
	}
	f.subs++
	if !f.running && !f.done {
		ctx, cancel := context.WithCancel(fs.base())
		f.running, f.cancel, f.caught = true, cancel, false
		go fs.poll(ctx, key, f, read)
	}
	fs.mu.Unlock()
	state := func(from int64) logState {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		from = max(from, f.base)
		end := f.base + int64(len(f.text))
		from = min(from, end)
		return logState{Text: f.text[from-f.base:], From: from, End: end, Status: f.status, Err: f.err,
			Read: f.read, Caught: f.caught, Done: f.done, Wake: f.wake}
	}
	var once sync.Once
	return state, func() {
		once.Do(func() {
			fs.mu.Lock()
			defer fs.mu.Unlock()
			if f.subs--; f.subs == 0 {
				f.left = fs.now()
				if f.running {
					f.cancel()
					f.running = false
				}
			}
		})
	}
}

// poll is a feed's reader, from the feed's token on.
func (fs *logFeeds) poll(ctx context.Context, key logKey, f *logFeed, read func(context.Context, string) (LogPart, error)) {
	wait := minLogLook
	for {
		fs.mu.Lock()
		token := f.token
		fs.mu.Unlock()
		part, err := read(ctx, token)
		fs.mu.Lock()
		if ctx.Err() != nil {
			// The last follower left (cancel is called under fs.mu): the
			// part is dropped, and the next reader reads on from token.
			fs.mu.Unlock()
			return
		}
		grew := fs.record(f, part, err)
		end := f.done
		f.running = !end
		if end && err != nil && fs.feeds[key] == f {
			delete(fs.feeds, key) // a failed read is not kept: the next follower reads again
		}
		if grew || end || !f.read || part.End != f.caught {
			f.read, f.caught = true, part.End
			close(f.wake)
			f.wake = make(chan struct{})
		}
		fs.mu.Unlock()
		switch {
		case end:
			return
		case !part.End:
			continue // more is there: read on at once
		case grew:
			wait = minLogLook
		default:
			wait = min(wait*3/2, maxLogLook)
		}
		c, stop := fs.timer(wait)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-c:
		}
	}
}

// record adds a part (or a read's failure) to f and reports whether its
// text grew; f ends on a failure, or at the end of the log of an
// attempt that had ended (or whose run had) before the part was read.
// The caller holds fs.mu.
func (fs *logFeeds) record(f *logFeed, part LogPart, err error) bool {
	if err != nil {
		f.err, f.done, f.left = err, true, fs.now()
		return false
	}
	f.token, f.status = part.Next, part.Status
	f.text = append(f.text, part.Text...)
	if over := len(f.text) - maxLogShown; over > 0 {
		f.text = append([]byte(nil), f.text[over:]...)
		f.base += int64(over)
	}
	if part.End && (part.Status != sluice.ExecutionRunning || part.RunStatus != sluice.ExecutionRunning) {
		f.done, f.left = true, fs.now()
	}
	return len(part.Text) > 0
}

// ended returns the feed of key when it read its attempt's log to the
// end without error, to serve a page.
func (fs *logFeeds) ended(key logKey) (logState, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.sweep()
	f := fs.feeds[key]
	if f == nil || !f.done || f.err != nil {
		return logState{}, false
	}
	return logState{Text: f.text, From: f.base, End: f.base + int64(len(f.text)), Status: f.status, Read: true, Done: true}, true
}
