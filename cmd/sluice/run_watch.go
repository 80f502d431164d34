package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
)

// watcher shows a run as it goes: each step's start and end as a line
// and, while steps run, their elapsed times: on a terminal as a live
// line rewritten in place, otherwise as a plain line every heartbeat, so
// a log shows the run is alive during a two-hour step.
type watcher struct {
	w         *terminalWriter
	heartbeat time.Duration
	now       func() time.Time
	seen      map[string]string
	// live: a live line is on the screen; last: when the last heartbeat
	// line was printed (zero: none yet).
	live bool
	last time.Time
}

func newWatcher(w *terminalWriter, heartbeat time.Duration) *watcher {
	return &watcher{w: w, heartbeat: heartbeat, now: time.Now, seen: map[string]string{}}
}

// update shows what changed in e since the last update.
func (v *watcher) update(e sluice.Execution) {
	v.clear()
	printSteps(v.w, e.Steps, v.seen)
	if e.Done() {
		return
	}
	now := v.now()
	line := runningLine(e, now)
	switch {
	case v.w.term.isTerminal():
		fmt.Fprint(v.w, v.w.term.paint(v.w.term.fitLine(line), colorInfo))
		v.live = true
	case v.last.IsZero():
		v.last = now
	case now.Sub(v.last) >= v.heartbeat:
		fmt.Fprintln(v.w, line)
		v.last = now
	}
}

// end clears the live line and prints how the run ended.
func (v *watcher) end(r daemon.Run) {
	v.clear()
	printEnd(v.w, r)
}

// clear erases the live line, if one is shown.
func (v *watcher) clear() {
	if v.live {
		fmt.Fprint(v.w, "\r\x1b[K")
		v.live = false
	}
}

// runningLine says how long the run has been going and which steps are
// running, with how long each has: "  … 3m12s: train (2m1s), evaluate (10s)".
func runningLine(e sluice.Execution, now time.Time) string {
	var running []string
	latest := map[string]sluice.StepRun{}
	var order []string
	for _, s := range e.Steps {
		name := stepName(s)
		if _, ok := latest[name]; !ok {
			order = append(order, name)
		}
		latest[name] = s
	}
	for _, name := range order {
		if s := latest[name]; s.Status == sluice.ExecutionRunning {
			running = append(running, fmt.Sprintf("%s (%s)", name, now.Sub(s.Started).Round(time.Second)))
		}
	}
	what := "between steps"
	if len(running) > 0 {
		what = "running " + strings.Join(running, ", ")
	}
	return fmt.Sprintf("  … %s elapsed, %s", now.Sub(e.Started).Round(time.Second), what)
}
