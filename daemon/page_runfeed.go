package daemon

import (
	"context"
	"sync"
	"time"
)

// runFeeds share the reads of a run that pages follow: however many
// event streams and page views watch a running run, one reader reads
// it (on AWS, one DescribeExecution per poll, not one per viewer), at
// the followers' pace: every 2 s at first, less often the longer nothing
// moves (at most every 30 s), every 2 s again after a move. The reader
// stops when the run ends, a read fails or the last follower leaves; a
// page view while a reader runs, or up to endedGrace after the run
// ended (when every follower's page fetches itself once more), gets the
// run it read last.
type runFeeds struct {
	mu    sync.Mutex
	feeds map[runKey]*runFeed
	// timer waits d (the daemon's NewTimer), now is the daemon's clock;
	// base is the work context.
	timer func(d time.Duration) (<-chan time.Time, func())
	now   func() time.Time
	base  func() context.Context
}

// endedGrace is how long the last read of an ended run serves the pages
// that its end made fetch themselves again. A run redriven on AWS runs
// again under the same name: its page may show it ended for this long.
const endedGrace = 10 * time.Second

// runKey names a run as the pages address it.
type runKey struct{ env, pipeline, name string }

// runFeed is one run's shared reader and what it read last.
type runFeed struct {
	run  Run
	err  error
	read bool // a read has been made
	// seq counts the reads that moved the run (status or steps), the
	// first one included; done says the reader stopped.
	seq  uint64
	done bool
	// wake is closed, and replaced, when seq moves or the feed ends.
	wake   chan struct{}
	subs   int
	cancel context.CancelFunc
	digest string
	// ended is when the reader stopped with the run ended.
	ended time.Time
}

// feedState is what a follower sees of a feed at one moment.
type feedState struct {
	Run  Run
	Err  error
	Seq  uint64
	Read bool
	Done bool
	Wake <-chan struct{}
}

func newRunFeeds(timer func(time.Duration) (<-chan time.Time, func()), now func() time.Time, base func() context.Context) *runFeeds {
	return &runFeeds{feeds: map[runKey]*runFeed{}, timer: timer, now: now, base: base}
}

// sweep forgets the feeds of runs that ended more than endedGrace ago.
// The caller holds fs.mu.
func (fs *runFeeds) sweep() {
	for k, f := range fs.feeds {
		if f.done && fs.now().Sub(f.ended) > endedGrace {
			delete(fs.feeds, k)
		}
	}
}

// follow subscribes to the run key names, starting its reader (read)
// when none runs, and returns the feed's state function and the
// unsubscribe.
func (fs *runFeeds) follow(key runKey, read func(context.Context) (Run, error)) (func() feedState, func()) {
	fs.mu.Lock()
	fs.sweep()
	f := fs.feeds[key]
	if f == nil {
		ctx, cancel := context.WithCancel(fs.base())
		f = &runFeed{wake: make(chan struct{}), cancel: cancel}
		fs.feeds[key] = f
		go fs.poll(ctx, key, f, read)
	}
	f.subs++
	fs.mu.Unlock()
	state := func() feedState {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		return feedState{Run: f.run, Err: f.err, Seq: f.seq, Read: f.read, Done: f.done, Wake: f.wake}
	}
	var once sync.Once
	return state, func() {
		once.Do(func() {
			fs.mu.Lock()
			defer fs.mu.Unlock()
			if f.subs--; f.subs == 0 {
				f.cancel()
				if fs.feeds[key] == f && !f.done {
					delete(fs.feeds, key)
				}
			}
		})
	}
}

// latest returns the run the reader of key read last, when one runs and
// has read it without error.
func (fs *runFeeds) latest(key runKey) (Run, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.sweep()
	f := fs.feeds[key]
	if f == nil || !f.read || f.err != nil {
		return Run{}, false
	}
	return f.run, true
}

// poll is a feed's reader.
func (fs *runFeeds) poll(ctx context.Context, key runKey, f *runFeed, read func(context.Context) (Run, error)) {
	wait := 2 * time.Second
	for {
		run, err := read(ctx)
		if ctx.Err() != nil {
			return // the last follower left
		}
		digest := ""
		if err == nil {
			digest = runDigest(run)
		}
		fs.mu.Lock()
		moved := !f.read || digest != f.digest || err != nil
		f.run, f.err, f.read, f.digest = run, err, true, digest
		end := err != nil || run.Done()
		if moved {
			f.seq++
		}
		if end {
			f.done, f.ended = true, fs.now()
			if fs.feeds[key] == f && err != nil {
				delete(fs.feeds, key) // a failed read is not kept: the next follower reads again
			}
		}
		if moved || end {
			close(f.wake)
			f.wake = make(chan struct{})
		}
		fs.mu.Unlock()
		if end {
			return
		}
		if moved {
			wait = 2 * time.Second
		} else {
			wait = min(wait*3/2, 30*time.Second)
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
