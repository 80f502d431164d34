package daemon

import (
	"context"
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
// run it read last. The lifetime of the readers is the feedHub's.
type runFeeds struct {
	*feedHub[runKey, runFeed]
}

// endedGrace is how long the last read of an ended run serves the pages
// that its end made fetch themselves again. A run redriven on AWS runs
// again under the same name: its page may show it ended for this long.
const endedGrace = 10 * time.Second

// runKey names a run as the pages address it.
type runKey struct{ env, pipeline, name string }

// runFeed is what one run's shared reader read last.
type runFeed struct {
	run  Run
	err  error
	read bool // a read has been made
	// seq counts the reads that moved the run (status or steps), the
	// first one included.
	seq    uint64
	digest string
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
	pace := feedPace[runFeed]{pollPace: runPollPace()}
	return &runFeeds{newFeedHub[runKey](clock{now: now, timer: timer}, base, pace)}
}

// follow subscribes to the run key names, starting its reader (read)
// when none runs, and returns the feed's state function and the
// unsubscribe.
func (fs *runFeeds) follow(key runKey, read func(context.Context) (Run, error)) (func() feedState, func()) {
	view, leave := fs.subscribe(key, func(ctx context.Context, _ runFeed) func(*runFeed) feedStep {
		run, err := read(ctx)
		return func(f *runFeed) feedStep { return f.record(run, err) }
	})
	state := func() feedState {
		var s feedState
		view(func(f *runFeed, wake <-chan struct{}, done bool) {
			s = feedState{Run: f.run, Err: f.err, Seq: f.seq, Read: f.read, Done: done, Wake: wake}
		})
		return s
	}
	return state, leave
}

// record keeps a read of the run: it moved when it is the first, it
// failed, or the run's status or steps changed; the feed ends with the
// run or a failed read (which is not kept: the next follower reads
// again).
func (f *runFeed) record(run Run, err error) feedStep {
	digest := ""
	if err == nil {
		digest = runDigest(run)
	}
	moved := !f.read || digest != f.digest || err != nil
	f.run, f.err, f.read, f.digest = run, err, true, digest
	if moved {
		f.seq++
	}
	return feedStep{moved: moved, end: err != nil || run.Done(), forget: err != nil}
}

// latest returns the run the reader of key read last, when one runs and
// has read it without error.
func (fs *runFeeds) latest(key runKey) (Run, bool) {
	var run Run
	ok := false
	fs.find(key, func(f *runFeed, _ bool) {
		run, ok = f.run, f.read && f.err == nil
	})
	return run, ok
}
