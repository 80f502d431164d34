package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
)

// follower follows the logs of a run's attempts as they start and
// write: the attempts of every step, or of step (a name or a path),
// or the one attempt numbered attempt of step.
type follower struct {
	o       *logsOptions
	w       io.Writer
	run     string
	step    string
	attempt int
	// prefix names each line's attempt ("[work/2 attempt 1] "), as when
	// the whole run is followed; otherwise a heading names the attempt
	// whenever the text printed comes from another one than before, as
	// tail does for several files.
	prefix bool
	seen   map[attemptKey]*followed
	order  []*followed
	// last is the attempt text was printed from last; atLineStart says
	// the output ends with a newline (or is empty).
	last        *followed
	atLineStart bool
}

// attemptKey names an attempt of a run.
type attemptKey struct {
	path    string
	attempt int
}

// followed is an attempt being followed.
type followed struct {
	a     sluice.AttemptRecord
	token string
	// partial is the start of a line not ended yet (prefix mode).
	partial []byte
	done    bool
}

// followRun prints the logs of run's attempts (of step, when not "";
// only attempt o.attempt when not 0) as they start and write, until the
// run has ended and every attempt followed has ended and been read to
// its end; with a step outside any foreach, until its last attempt
// succeeded. Each round reads the run once and the log parts that
// follow each attempt not done yet; a round that brings nothing waits
// 0.5 s, doubling up to 5 s while nothing comes.
func (o *logsOptions) followRun(ctx context.Context, w io.Writer, run, step string) error {
	f := &follower{o: o, w: w, run: run, step: step, attempt: o.attempt, prefix: step == "",
		seen: map[attemptKey]*followed{}, atLineStart: true}
	pause := minLogWait
	for {
		d, err := f.detail(ctx)
		if err != nil {
			return err
		}
		came, err := f.round(ctx, d)
		if err != nil {
			return err
		}
		if finished, err := f.finished(d); finished || err != nil {
			return err
		}
		if came {
			pause = minLogWait
		}
		if err := o.wait(ctx, pause); err != nil {
			return err
		}
		if !came {
			pause = min(pause*2, maxLogWait)
		}
	}
}

// detail reads the run.
func (f *follower) detail(ctx context.Context) (sluice.RunDetail, error) {
	var d sluice.RunDetail
	err := f.o.call(ctx, http.MethodGet, f.o.envPath("runs/"+url.PathEscape(f.run)), nil, &d)
	return d, err
}

// round takes up the attempts of d that are to be followed and reads on
// each one not done, part after part to the end of what it wrote. It
// reports whether an attempt or text came.
func (f *follower) round(ctx context.Context, d sluice.RunDetail) (bool, error) {
	came := false
	for _, a := range d.Attempts {
		if !f.wants(a) {
			continue
		}
		k := attemptKey{a.Path, a.Attempt}
		if t, ok := f.seen[k]; ok {
			t.a = a
			continue
		}
		t := &followed{a: a}
		f.seen[k] = t
		f.order = append(f.order, t)
		came = true
	}
	for _, t := range f.order {
		if t.done {
			continue
		}
		got, err := f.readOn(ctx, d.ID, t)
		if err != nil {
			return false, err
		}
		came = came || got
	}
	return came, nil
}

// wants reports whether attempt a is to be followed.
func (f *follower) wants(a sluice.AttemptRecord) bool {
	switch {
	case f.step == "":
		return true
	case a.Step != f.step && a.Path != f.step:
		return false
	}
	return f.attempt == 0 || a.Attempt == f.attempt
}

// readOn reads t's log from its token to the end of what it wrote and
// prints it; t is done once a part at the end was read after t ended.
// An attempt whose log does not exist once it ended is done, with a
// line saying so.
func (f *follower) readOn(ctx context.Context, runID string, t *followed) (bool, error) {
	got := false
	for {
		q := url.Values{"page": {""}, "token": {t.token}}
		resp, err := f.o.getLog(ctx, f.o.logPath(runID, t.a.Path, t.a.Attempt, q))
		var api *apiError
		if errors.As(err, &api) && strings.HasPrefix(api.status, "404") {
			f.print(t, []byte("(no log: "+api.msg+")\n"))
			t.done = true
			return got, nil
		}
		if err != nil {
			return got, err
		}
		text, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return got, err
		}
		h := resp.Header
		t.token = h.Get("Sluice-Log-Next")
		if len(text) > 0 {
			f.print(t, text)
			got = true
		}
		if h.Get("Sluice-Log-End") != "true" {
			continue
		}
		if status := h.Get("Sluice-Log-Status"); status != "" && status != sluice.ExecutionRunning {
			t.done = true // ended before this part was read: all of it is read
			f.flush(t)
		}
		return got, nil
	}
}

// finished reports whether the follower is done: every attempt
// followed is done, and the run has ended, or the one attempt asked for
// was read, or the step is outside any foreach and its last attempt
// succeeded. A run that ended without an attempt to follow is an error.
func (f *follower) finished(d sluice.RunDetail) (bool, error) {
	for _, t := range f.order {
		if !t.done {
			return false, nil
		}
	}
	ended := d.Status != sluice.ExecutionRunning
	switch {
	case len(f.order) == 0 && ended && f.step != "":
		return true, fmt.Errorf("run %s ended %s with no attempt of step %s%s", d.Name, d.Status, f.step, f.attemptText())
	case ended || len(f.order) == 0:
		return ended, nil
	case f.step == "":
		return false, nil
	case f.attempt != 0:
		return true, nil
	}
	last := f.order[len(f.order)-1].a
	for _, t := range f.order {
		if len(t.a.ForeachIndex) > 0 {
			return false, nil // more copies may start while the run goes on
		}
		if t.a.Attempt > last.Attempt {
			last = t.a
		}
	}
	return last.Status == sluice.ExecutionSucceeded, nil
}

func (f *follower) attemptText() string {
	if f.attempt == 0 {
		return ""
	}
	return " numbered " + strconv.Itoa(f.attempt)
}

// label names an attempt: its step, the foreach copy's indexes, and its
// number ("work/2 attempt 1").
func label(a sluice.AttemptRecord) string {
	var b strings.Builder
	b.WriteString(a.Step)
	for _, i := range a.ForeachIndex {
		b.WriteString("/" + strconv.Itoa(i))
	}
	return b.String() + " attempt " + strconv.Itoa(a.Attempt)
}

// print writes text of attempt t: in prefix mode each whole line with
// the attempt's label, holding back a line not ended yet; otherwise as
// it is, under a heading when the previous text came from another
// attempt.
func (f *follower) print(t *followed, text []byte) {
	if !f.prefix {
		if f.last != nil && f.last != t {
			if !f.atLineStart {
				fmt.Fprintln(f.w)
			}
			fmt.Fprintf(f.w, "==> %s <==\n", label(t.a))
		}
		f.last = t
		_, _ = f.w.Write(text)
		f.atLineStart = text[len(text)-1] == '\n'
		return
	}
	t.partial = append(t.partial, text...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			return
		}
		fmt.Fprintf(f.w, "[%s] %s", label(t.a), t.partial[:i+1])
		t.partial = t.partial[i+1:]
	}
}

// flush writes the last line of an attempt that ended without a
// newline (prefix mode).
func (f *follower) flush(t *followed) {
	if len(t.partial) > 0 {
		fmt.Fprintf(f.w, "[%s] %s\n", label(t.a), t.partial)
		t.partial = nil
	}
}
