package daemon

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// scriptedLog is an attempt's log a test writes to; its parts are read
// as RunLogPart reads them (the token is the byte offset), and it
// records the tokens asked.
type scriptedLog struct {
	mu     sync.Mutex
	text   []byte
	status string
	asked  []string
}

func (l *scriptedLog) read(_ context.Context, token string) (LogPart, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, token)
	from, _ := strconv.Atoi(token)
	to := min(len(l.text), from+maxLogPage)
	return LogPart{LogPage: sluice.LogPage{Text: l.text[from:to], Next: strconv.Itoa(to), End: to == len(l.text)},
		Status: l.status, RunStatus: sluice.ExecutionRunning}, nil
}

// tokens returns the tokens asked from the n-th read on.
func (l *scriptedLog) tokens(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.asked[n:]...)
}

func (l *scriptedLog) write(s string, status string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text = append(l.text, s...)
	l.status = status
}

// waitLog waits until a follower from offset from sees what ok says.
func waitLog(t *testing.T, state func(int64) logState, from int64, ok func(logState) bool) logState {
	t.Helper()
	for {
		s := state(from)
		if ok(s) {
			return s
		}
		select {
		case <-s.Wake:
		case <-time.After(30 * time.Second):
			t.Fatalf("follower stuck: %+v", s)
		}
	}
}

// TestLogFeedsKeepTheEnd: a feed keeps the last maxLogShown bytes it
// read: a follower from the beginning is told how many bytes it missed,
// one from an offset kept gets the rest; a reader stopped when the last
// follower left goes on from its token when another comes, without
// reading the log again; it ends at the end of an ended attempt's log.
func TestLogFeedsKeepTheEnd(t *testing.T) {
	tm := newManualTimer()
	feeds := newLogFeeds(tm.timer, time.Now, context.Background)
	log := &scriptedLog{status: sluice.ExecutionRunning}
	line := strings.Repeat("x", 1023) + "\n"
	log.write(strings.Repeat(line, 300), sluice.ExecutionRunning) // 300 KiB
	key := logKey{env: "dev", run: "r1", path: "fit", attempt: 1}
	state, leave := feeds.follow(key, log.read)
	s := waitLog(t, state, 0, func(s logState) bool { return s.Caught })
	if s.End != 300<<10 || s.From != 300<<10-maxLogShown || len(s.Text) != maxLogShown {
		t.Errorf("kept [%d, %d) with %d bytes, want the last %d bytes of %d", s.From, s.End, len(s.Text), maxLogShown, 300<<10)
	}
	if s := state(s.End - 10); string(s.Text) != strings.Repeat("x", 9)+"\n" || s.From != s.End-10 {
		t.Errorf("from an offset kept: %q from %d", s.Text, s.From)
	}
	tm.fire(t) // caught up: it waits, looks again and waits
	leave()
	asked := len(log.tokens(0))
	log.write("done\n", sluice.ExecutionSucceeded)
	state, leave = feeds.follow(key, log.read)
	defer leave()
	s = waitLog(t, state, 300<<10, func(s logState) bool { return s.Done })
	if string(s.Text) != "done\n" || s.Status != sluice.ExecutionSucceeded {
		t.Errorf("after the reader started again: %q %s, want the last line and the end", s.Text, s.Status)
	}
	if again := log.tokens(asked); len(again) == 0 || again[0] != strconv.Itoa(300<<10) {
		t.Errorf("the reader started again from %v, want from the offset it had reached", again)
	}
	if s, ok := feeds.ended(key); !ok || !bytes.HasSuffix(s.Text, []byte("x\ndone\n")) {
		t.Errorf("the ended feed: %v %q", ok, s.Text)
	}
}
