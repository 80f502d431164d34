package main

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// applyProgress shows an apply as it goes: each change's line as soon as
// the change ends ("done in 3s", the time since the apply started, or
// why it failed) and, on a terminal, a live line rewritten in place with
// the time elapsed and the changes still running. Off a terminal (a pipe,
// a CI log) it prints plain lines only. Changes left in progress are
// printed by finish, with when to apply again.
type applyProgress struct {
	mu    sync.Mutex
	w     *terminalWriter
	debug bool
	start time.Time
	now   func() time.Time
	// running are the changes of the current round not ended yet, in
	// plan order; printed are those whose final line is shown.
	running []sluice.ResourceID
	printed map[sluice.ResourceID]bool
	live    bool
}

func newApplyProgress(w *terminalWriter, debug bool) *applyProgress {
	return &applyProgress{w: w, debug: debug, start: time.Now(), now: time.Now, printed: map[sluice.ResourceID]bool{}}
}

// progress is where apply shows its progress: standard output with
// -o text, standard error otherwise (standard output carries the
// document).
func (o *applyOptions) progress(g *globalOptions) *applyProgress {
	if o.format == "text" {
		return newApplyProgress(&terminalWriter{Writer: g.stdout, term: g.terminal()}, o.debug)
	}
	return newApplyProgress(&terminalWriter{Writer: g.stderr, term: newTerminal(g.stderr)}, o.debug)
}

// ticking refreshes the live line every second on a terminal, until the
// returned stop is called.
func (a *applyProgress) ticking() (stop func()) {
	if !a.w.term.isTerminal() {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				a.tick()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// begin starts a round of the apply: the changes of p that act.
func (a *applyProgress) begin(p reconcile.Plan) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.running = a.running[:0]
	for _, c := range p.Changes {
		if c.Action.Mutates() {
			a.running = append(a.running, c.ID)
		}
	}
	a.redraw()
}

// result shows r as soon as its change ends; a change still in progress
// is left to the round's summary and finish.
func (a *applyProgress) result(r reconcile.Result) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.running = slices.DeleteFunc(a.running, func(id sluice.ResourceID) bool { return id == r.Change.ID })
	if (!r.Change.Action.Mutates() && r.Err == nil) || rollingOn(r.Err) {
		a.redraw()
		return
	}
	a.clear()
	fmt.Fprintln(a.w, resultLine(r, a.now().Sub(a.start), a.debug))
	a.printed[r.Change.ID] = true
	a.redraw()
}

// say prints a line of its own above the live line.
func (a *applyProgress) say(format string, args ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.clear()
	fmt.Fprintf(a.w, format+"\n", args...)
	a.redraw()
}

// tick refreshes the live line's elapsed time.
func (a *applyProgress) tick() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.redraw()
}

// finish clears the live line and prints the changes not shown yet:
// those left in progress.
func (a *applyProgress) finish(results []reconcile.Result) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.clear()
	for _, r := range results {
		if a.printed[r.Change.ID] || (!r.Change.Action.Mutates() && r.Err == nil) {
			continue
		}
		fmt.Fprintln(a.w, resultLine(r, a.now().Sub(a.start), a.debug))
	}
}

// elapsed is the time since the apply started, in whole seconds.
func (a *applyProgress) elapsed() time.Duration { return a.now().Sub(a.start).Round(time.Second) }

// redraw shows the live line on a terminal while changes run.
func (a *applyProgress) redraw() {
	a.clear()
	if !a.w.term.isTerminal() || len(a.running) == 0 {
		return
	}
	names := make([]string, len(a.running))
	for i, id := range a.running {
		names[i] = string(id)
	}
	line := fmt.Sprintf("  … %s elapsed, applying %s", a.elapsed(), strings.Join(names, ", "))
	fmt.Fprint(a.w, a.w.term.paint(a.w.term.fitLine(line), colorInfo))
	a.live = true
}

// clear erases the live line, if one is shown.
func (a *applyProgress) clear() {
	if a.live {
		fmt.Fprint(a.w, "\r\x1b[K")
		a.live = false
	}
}

// rollingOn reports whether err leaves its change in progress (waiting).
func rollingOn(err error) bool {
	decision, _ := sluice.RetryOf(err)
	return err != nil && decision == sluice.RetryWaiting
}

// resultLine is one change's outcome: done in how long since the apply
// started (and what it left in place), in progress with when to apply
// again, or the failure in one sentence.
func resultLine(r reconcile.Result, since time.Duration, debug bool) string {
	status := fmt.Sprintf("done in %s", since.Round(time.Second))
	if r.Note != "" {
		status += "; " + r.Note
	}
	if r.Err != nil {
		decision, after := sluice.RetryOf(r.Err)
		status = fmt.Sprintf("%s: %s", decision, sentence(r.Err, debug))
		if decision == sluice.RetryWaiting {
			status = fmt.Sprintf("in progress, apply again in %s: %s", after, sentence(r.Err, debug))
		}
	}
	return fmt.Sprintf("  %-8s %s: %s", r.Change.Action, r.Change.ID, status)
}
