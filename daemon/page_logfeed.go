package daemon

import (
	"context"
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
// was rather than reading the log again. The lifetime of the readers is
// the feedHub's.
type logFeeds struct {
	*feedHub[logKey, logFeed]
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

// logFeed is what one attempt log's shared reader read.
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
	read, caught bool
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
	pace := feedPace[logFeed]{pollPace: pollPace{first: minLogLook, most: maxLogLook}, resume: true,
		start: func(f *logFeed) { f.caught = false }} // a reader started again has not caught up yet
	return &logFeeds{newFeedHub[logKey](clock{now: now, timer: timer}, base, pace)}
}

// follow subscribes to the log key names, starting its reader (read,
// from the feed's token) when none runs and the feed has not ended,
// and returns the feed's state from offset from on and the unsubscribe.
func (fs *logFeeds) follow(key logKey, read func(ctx context.Context, token string) (LogPart, error)) (func(from int64) logState, func()) {
	view, leave := fs.subscribe(key, func(ctx context.Context, f logFeed) func(*logFeed) feedStep {
		part, err := read(ctx, f.token)
		return func(f *logFeed) feedStep { return f.record(part, err) }
	})
	state := func(from int64) logState {
		var s logState
		view(func(f *logFeed, wake <-chan struct{}, done bool) {
			from = max(from, f.base)
			end := f.base + int64(len(f.text))
			from = min(from, end)
			s = logState{Text: f.text[from-f.base:], From: from, End: end, Status: f.status, Err: f.err,
				Read: f.read, Caught: f.caught, Done: done, Wake: wake}
		})
		return s
	}
	return state, leave
}

// record adds a part (or a read's failure) to f: it moved when its text
// grew; it wakes the followers too on the first read and when it caught
// up or fell behind; more is there while the part did not reach the end
// of what was written. f ends on a failure (not kept: the next follower
// reads again), or at the end of the log of an attempt that had ended
// (or whose run had) before the part was read.
func (f *logFeed) record(part LogPart, err error) feedStep {
	var step feedStep
	if err != nil {
		f.err = err
		step.end, step.forget = true, true
	} else {
		f.token, f.status = part.Next, part.Status
		f.text = append(f.text, part.Text...)
		if over := len(f.text) - maxLogShown; over > 0 {
			f.text = append([]byte(nil), f.text[over:]...)
			f.base += int64(over)
		}
		step.end = part.End && (part.Status != sluice.ExecutionRunning || part.RunStatus != sluice.ExecutionRunning)
		step.moved = len(part.Text) > 0
	}
	step.wake = !f.read || part.End != f.caught
	step.more = !part.End
	f.read, f.caught = true, part.End
	return step
}

// ended returns the feed of key when it read its attempt's log to the
// end without error, to serve a page.
func (fs *logFeeds) ended(key logKey) (logState, bool) {
	var s logState
	ok := false
	fs.find(key, func(f *logFeed, done bool) {
		if done && f.err == nil {
			s = logState{Text: f.text, From: f.base, End: f.base + int64(len(f.text)), Status: f.status, Read: true, Done: true}
			ok = true
		}
	})
	return s, ok
}
