package asl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/internal/pause"
)

// Options are what an execution needs from its caller. Only Runner is
// needed by a machine with Task states, and Resources by one with an
// ItemReader or ResultWriter; the rest have defaults.
type Options struct {
	// Runner runs the Task states.
	Runner TaskRunner
	// Resources reads a Map's items and writes its results; may be nil
	// when no Map has an ItemReader or ResultWriter.
	Resources Resources
	// Clock returns the time events are stamped with and Wait states
	// count from; nil: time.Now.
	Clock func() time.Time
	// Sleep waits for Wait states and between retries; nil: a timer
	// that returns ctx.Err() early when ctx is done. Tests inject one
	// that records the waits.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand draws retry jitter, States.UUID and States.MathRandom; nil:
	// seeded from the time. Executions running at once need their own.
	Rand *rand.Rand
	// Observer sees every history event as it happens, one at a time,
	// in order; it must not call back into the execution.
	Observer func(Event)
}

// run is one execution in progress.
type run struct {
	m     *Machine
	opts  Options
	name  string
	input any
	start time.Time

	mu     sync.Mutex // guards events, seq and rng
	events []Event
	rng    *rand.Rand

	enc encCache
}

// Execute runs the machine on input (an empty input is {}) under the
// execution name name, recording its history. It returns the
// execution's output; a *Failure (States.* or the custom error of a Fail
// state or a task) when the execution failed, States.Timeout when it ran
// past the machine's TimeoutSeconds; or, when ctx is done first, an
// error wrapping ctx.Err(). The history is returned in every case.
func (m *Machine) Execute(ctx context.Context, name string, input json.RawMessage, opts Options) (json.RawMessage, []Event, error) {
	r := newRun(m, name, opts)
	in, err := decodeInput(input)
	if err != nil {
		return nil, nil, fmt.Errorf("asl: execution %q: input is not JSON: %w", name, err)
	}
	r.input = in
	r.emit(Event{Type: EventExecutionStarted, Input: r.encode(in)})
	execCtx, cancel := ctx, context.CancelFunc(func() {})
	timedOut := &Failure{Name: ErrTimeout, Cause: fmt.Sprintf("the execution ran longer than its TimeoutSeconds (%s)", m.timeout)}
	if m.timeout > 0 {
		execCtx, cancel = context.WithTimeoutCause(ctx, m.timeout, timedOut)
	}
	defer cancel()
	out, err := r.runScope(execCtx, m.root, in, "")
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(execCtx), timedOut) {
		err = timedOut
	}
	return r.finish(out, err, timedOut)
}

// finish records how the execution ended and returns its result. Only
// the machine's own timeout (timedOut) ends it TIMED_OUT; a Task's
// States.Timeout that nothing caught fails it, as on AWS.
func (r *run) finish(out any, err error, timedOut *Failure) (json.RawMessage, []Event, error) {
	var f *Failure
	switch {
	case err == nil:
		raw := r.encode(out)
		r.emit(Event{Type: EventExecutionSucceeded, Output: raw})
		return raw, r.history(), nil
	case errors.As(err, &f):
		typ := EventExecutionFailed
		if f == timedOut {
			typ = EventExecutionTimedOut
		}
		r.emit(Event{Type: typ, Error: f.Name, Cause: f.Cause})
		return nil, r.history(), f
	}
	r.emit(Event{Type: EventExecutionAborted, Cause: err.Error()})
	return nil, r.history(), fmt.Errorf("asl: execution %q aborted: %w", r.name, err)
}

func newRun(m *Machine, name string, opts Options) *run {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = pause.For
	}
	r := &run{m: m, opts: opts, name: name, rng: opts.Rand}
	if r.rng == nil {
		seed := uint64(time.Now().UnixNano())
		r.rng = rand.New(rand.NewPCG(seed, seed>>7|1))
	}
	r.start = opts.Clock()
	return r
}

func decodeInput(input json.RawMessage) (any, error) {
	if len(input) == 0 {
		return map[string]any{}, nil
	}
	return decode(input)
}

// runScope runs a scope's states from StartAt until one ends it, and
// returns the last state's output.
func (r *run) runScope(ctx context.Context, sc *scope, input any, prefix string) (any, error) {
	st := sc.states[sc.start]
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out, next, err := r.runState(ctx, st, input, prefix)
		if err != nil || next == "" {
			return out, err
		}
		st, input = sc.states[next], out
	}
}

// intN draws a number in [0, n).
func (r *run) intN(n int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.IntN(n)
}

// float draws a number in [0, 1).
func (r *run) float() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rng.Float64()
}

// uuid returns a random (version 4) UUID.
func (r *run) uuid() string {
	r.mu.Lock()
	hi, lo := r.rng.Uint64(), r.rng.Uint64()
	r.mu.Unlock()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}
