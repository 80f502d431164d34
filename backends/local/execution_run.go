package local

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

// Causes of executions and steps that did not end on their own.
const (
	causeClosed  = "the local backend was closed while the execution ran"
	causeDied    = "the process running it stopped"
	causeStopped = "the task was stopped before it ended: the execution was aborted, or a parallel branch or foreach iteration failed"
)

// liveExecution is an execution running in this World: its record,
// kept up to date from the interpreter's events.
type liveExecution struct {
	path string
	// run is the run store's record as the execution started.
	run sluice.RunRecord
	// origin, when set, is the run whose succeeded steps this one reuses.
	origin *origin
	// cancel stops the execution; stopCause, set before, says why.
	cancel    context.CancelFunc
	stopCause string

	mu  sync.Mutex
	rec sluice.Execution
	// steps indexes rec.Steps by task path and attempt.
	steps map[stepKey]int
	dirty bool
}

// stepKey identifies one attempt of one task state.
type stepKey struct {
	path    string
	attempt int
}

func newLiveExecution(path string, rec sluice.Execution) *liveExecution {
	return &liveExecution{path: path, rec: rec, steps: map[stepKey]int{}}
}

// snapshot returns a copy of the record, safe to read while the
// execution goes on.
func (le *liveExecution) snapshot() sluice.Execution {
	le.mu.Lock()
	defer le.mu.Unlock()
	e := le.rec
	e.Steps = slices.Clone(le.rec.Steps)
	return e
}

// takeDirty reports whether the record changed since the last call.
func (le *liveExecution) takeDirty() bool {
	le.mu.Lock()
	defer le.mu.Unlock()
	d := le.dirty
	le.dirty = false
	return d
}

// stepStarted adds a RUNNING step for task t.
func (le *liveExecution) stepStarted(t asl.Task) {
	le.mu.Lock()
	defer le.mu.Unlock()
	le.steps[stepKey{t.Path, t.Attempt}] = len(le.rec.Steps)
	le.rec.Steps = append(le.rec.Steps, sluice.StepRun{State: t.State, Path: t.Path, Status: sluice.ExecutionRunning,
		Attempt: t.Attempt, Started: time.Now().UTC()})
	le.dirty = true
}

// update changes the step of path and attempt, when there is one.
func (le *liveExecution) update(path string, attempt int, change func(s *sluice.StepRun)) {
	le.mu.Lock()
	defer le.mu.Unlock()
	i, ok := le.steps[stepKey{path, attempt}]
	if !ok {
		return
	}
	change(&le.rec.Steps[i])
	le.dirty = true
}

// observe is the interpreter's Observer: a task's success or failure
// ends its step. Events of tasks that are not steps (the reads of a
// step's outputs) find no step and change nothing.
func (le *liveExecution) observe(e asl.Event) {
	switch e.Type {
	case asl.EventTaskSucceeded:
		le.update(e.Path, e.Attempt, func(s *sluice.StepRun) {
			s.Status, s.Stopped, s.Error, s.Cause = sluice.ExecutionSucceeded, e.Time.UTC(), "", ""
		})
	case asl.EventTaskFailed:
		le.update(e.Path, e.Attempt, func(s *sluice.StepRun) {
			s.Status, s.Stopped, s.Error, s.Cause = sluice.ExecutionFailed, e.Time.UTC(), e.Error, e.Cause
		})
	}
}

// stopStep ends a step whose task was stopped from outside: no event
// of the interpreter will end it. A task that timed out gets its
// States.Timeout event after this.
func stopStep(s *sluice.StepRun) {
	if s.Status == sluice.ExecutionRunning {
		s.Status, s.Stopped, s.Cause = sluice.ExecutionFailed, time.Now().UTC(), causeStopped
	}
}

// outcome is what asl.Machine.Execute returned.
type outcome struct {
	out     json.RawMessage
	history []asl.Event
	err     error
}

// finish records how the execution ended. before, when not nil, sees
// the final record before it is published, so that the run store says a
// run ended no later than DescribeExecution does. No step changes once
// the interpreter has returned.
func (le *liveExecution) finish(o outcome, before func(sluice.Execution)) {
	le.mu.Lock()
	rec := le.rec
	rec.Steps = slices.Clone(le.rec.Steps)
	stopCause := le.stopCause
	le.mu.Unlock()
	e := &rec
	e.Stopped = time.Now().UTC()
	var f *asl.Failure
	switch {
	case o.err == nil:
		e.Status, e.Output = sluice.ExecutionSucceeded, o.out
	case stopCause != "":
		e.Status, e.Error, e.Cause = sluice.ExecutionAborted, "Sluice.Stopped", stopCause
	case errors.As(o.err, &f):
		e.Status, e.Error, e.Cause = sluice.ExecutionFailed, f.Name, f.Cause
		if n := len(o.history); n > 0 && o.history[n-1].Type == asl.EventExecutionTimedOut {
			e.Status = sluice.ExecutionTimedOut
		}
	default:
		e.Status, e.Error, e.Cause = sluice.ExecutionAborted, "", causeClosed
	}
	for i := range e.Steps {
		stopStep(&e.Steps[i])
	}
	if before != nil {
		before(rec)
	}
	le.mu.Lock()
	defer le.mu.Unlock()
	le.rec, le.dirty = rec, true
}

// stepRunner runs an execution's tasks on the World, recording each
// Batch job task as a step with its log.
type stepRunner struct {
	w  *World
	le *liveExecution
}

// RunTask runs t as World.RunTask does.
func (r stepRunner) RunTask(ctx context.Context, t asl.Task) (json.RawMessage, error) {
	if t.Resource != ResourceSubmitJobSync && t.Resource != ResourceSubmitJob {
		return r.w.RunTask(ctx, t)
	}
	if out, ok := r.w.reuse(r.le, t); ok {
		return out, nil
	}
	r.le.stepStarted(t)
	a := attemptOf(r.le.rec.ID, t)
	r.w.recordAttempt(a)
	out, err := r.w.runJob(ctx, t, func(log string) {
		r.le.update(t.Path, t.Attempt, func(s *sluice.StepRun) { s.Log = log })
		a.Log, a.JobID = log, strings.TrimSuffix(filepath.Base(log), ".log")
		r.w.recordAttempt(a)
	})
	if ctx.Err() != nil {
		r.le.update(t.Path, t.Attempt, stopStep)
	}
	r.w.attemptEnded(a, t, out, err)
	return out, err
}

// runExecution runs le to its end under ctx, writing its record at
// most every flushEvery while it runs and once more when it ends.
func (w *World) runExecution(ctx context.Context, le *liveExecution, m *asl.Machine) {
	defer w.runs.wg.Done()
	if le.cancel != nil {
		defer le.cancel()
	}
	done := make(chan outcome, 1)
	go func() {
		opts := asl.Options{Runner: stepRunner{w: w, le: le}, Resources: w, Observer: le.observe}
		out, history, err := m.Execute(ctx, le.rec.Name, le.rec.Input, opts)
		done <- outcome{out: out, history: history, err: err}
	}()
	tick := time.NewTicker(flushEvery)
	defer tick.Stop()
	// Execute returns soon after ctx ends, so this loop ends with it.
	for {
		select {
		case o := <-done:
			// The final record reaches the run store and the file before
			// it is published: whoever sees the run ended (a waiter, a
			// second World on this directory) reads the same ending.
			var err error
			le.finish(o, func(e sluice.Execution) {
				w.recordRunAs(le.run, e)
				err = w.persistRecord(le.path, e, true)
				if err == nil && e.Status == sluice.ExecutionSucceeded {
					w.succeeded(lastPart(e.StateMachine, ":"), e.Name)
				}
			})
			if err != nil {
				w.log.Error("execution record not saved", "execution", le.rec.ID, "err", err)
			}
			w.runs.retire(le, err)
			return
		case <-tick.C:
			if !le.takeDirty() {
				continue
			}
			if err := w.persist(le, false); err != nil {
				w.log.Warn("execution record not saved", "execution", le.rec.ID, "err", err)
			}
		}
	}
}

// persist writes le's record (synced to disk when durable), compact so
// the input and output keep the bytes they have in memory.
func (w *World) persist(le *liveExecution, durable bool) error {
	return w.persistRecord(le.path, le.snapshot(), durable)
}

// persistRecord writes e to path (synced to disk when durable), masked.
func (w *World) persistRecord(path string, e sluice.Execution, durable bool) error {
	b, err := json.Marshal(w.redacted(e))
	if err != nil {
		return err
	}
	return writeAtomic(path, append(b, '\n'), durable)
}
