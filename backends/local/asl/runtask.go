package asl

import (
	"context"
	"errors"
	"fmt"
)

// task hands a Task state to the runner, enforcing its TimeoutSeconds:
// a task still running then fails with States.Timeout. A runner error
// that is not a *Failure is States.TaskFailed; when ctx is done (the
// execution aborted, or a sibling branch failed) the task is neither
// failed nor retried and ctx.Err() is returned.
func (r *run) task(ctx context.Context, st *state, params any, where string, attempt int) (any, error) {
	raw := r.encode(params)
	r.emit(Event{Type: EventTaskStarted, State: st.name, Path: where, Input: raw, Attempt: attempt})
	if r.opts.Runner == nil {
		return nil, r.taskFailed(st, where, attempt, &Failure{Name: ErrTaskFailed, Cause: "no task runner was given to the execution"})
	}
	tctx, cancel := ctx, context.CancelFunc(func() {})
	if st.timeout > 0 {
		tctx, cancel = context.WithTimeout(ctx, st.timeout)
	}
	defer cancel()
	out, err := r.opts.Runner.RunTask(tctx, Task{Execution: r.name, State: st.name, Path: where,
		Resource: st.resource, Parameters: raw, Attempt: attempt})
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case tctx.Err() != nil:
		return nil, r.taskFailed(st, where, attempt, &Failure{Name: ErrTimeout,
			Cause: fmt.Sprintf("the task ran longer than its TimeoutSeconds (%s)", st.timeout)})
	case err != nil:
		return nil, r.taskFailed(st, where, attempt, asFailure(err))
	}
	return r.taskResult(st, where, attempt, out)
}

func (r *run) taskResult(st *state, where string, attempt int, out []byte) (any, error) {
	if len(out) == 0 {
		out = []byte("null")
	}
	v, err := decode(out)
	if err != nil {
		return nil, r.taskFailed(st, where, attempt, &Failure{Name: ErrTaskFailed, Cause: "the task's result is not JSON: " + err.Error()})
	}
	r.emit(Event{Type: EventTaskSucceeded, State: st.name, Path: where, Output: out, Attempt: attempt})
	return v, nil
}

func (r *run) taskFailed(st *state, where string, attempt int, f *Failure) *Failure {
	r.emit(Event{Type: EventTaskFailed, State: st.name, Path: where, Error: f.Name, Cause: f.Cause, Attempt: attempt})
	return f
}

// asFailure returns err's *Failure, or States.TaskFailed with err as the
// cause.
func asFailure(err error) *Failure {
	var f *Failure
	if errors.As(err, &f) {
		return f
	}
	return &Failure{Name: ErrTaskFailed, Cause: err.Error()}
}
