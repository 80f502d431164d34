package asl

import (
	"context"
	"errors"
	"math"
	"time"
)

// withCatch runs a Task, Parallel or Map state: input processing, the
// state's work with its Retry, output processing, and its Catch for a
// failure the retries did not cure.
func (r *run) withCatch(ctx context.Context, st *state, raw any, sc *stateCtx, where string) (any, string, error) {
	out, err := r.attempts(ctx, st, raw, sc, where)
	var f *Failure
	if !errors.As(err, &f) {
		return out, st.nextState(), err
	}
	for _, c := range st.catch {
		if !matches(c.errors, f.Name) {
			continue
		}
		out, err := placeResult(c.resultPath, raw, map[string]any{"Error": f.Name, "Cause": f.Cause})
		if err == nil {
			r.emit(Event{Type: EventStateExited, State: st.name, Path: where, Output: r.encode(out), Error: f.Name, Cause: f.Cause})
		}
		return out, c.next, err
	}
	return nil, "", f
}

// attempts runs the state's work until it succeeds or no retrier gives
// it another try. Each retrier counts its own tries. Parameters are
// evaluated for each try, so $$.State.RetryCount tells the try apart; an
// error evaluating them is not retried.
func (r *run) attempts(ctx context.Context, st *state, raw any, sc *stateCtx, where string) (any, error) {
	used := make([]int, len(st.retry))
	for attempt := 1; ; attempt++ {
		sc.retries, sc.cached = attempt-1, nil
		in, err := r.effectiveInput(st, raw, sc)
		if err != nil {
			return nil, err
		}
		result, err := r.work(ctx, st, in, sc, where, attempt)
		if err == nil {
			return r.output(st, raw, result, sc)
		}
		var f *Failure
		if !errors.As(err, &f) {
			return nil, err
		}
		i := retrierFor(st.retry, f.Name)
		if i < 0 || used[i] >= st.retry[i].maxAttempts {
			return nil, f
		}
		d := r.delay(&st.retry[i], used[i])
		used[i]++
		typ := EventStateRetried
		if st.typ == typeTask {
			typ = EventTaskRetried
		}
		r.emit(Event{Type: typ, State: st.name, Path: where, Error: f.Name, Cause: f.Cause, Attempt: attempt + 1, Delay: d})
		if err := r.opts.Sleep(ctx, d); err != nil {
			return nil, err
		}
	}
}

func (r *run) work(ctx context.Context, st *state, in any, sc *stateCtx, where string, attempt int) (any, error) {
	switch st.typ {
	case typeParallel:
		return r.parallel(ctx, st, in, where)
	case typeMap:
		return r.mapState(ctx, st, in, sc, where)
	}
	return r.task(ctx, st, in, where, attempt)
}

// retrierFor returns the index of the first retrier matching the error,
// or -1.
func retrierFor(retry []retrier, name string) int {
	for i := range retry {
		if matches(retry[i].errors, name) {
			return i
		}
	}
	return -1
}

// delay is the wait before a retrier's next try, given how many it has
// already granted: IntervalSeconds times BackoffRate to that power, at
// most MaxDelaySeconds, and with FULL jitter a uniform draw below that.
func (r *run) delay(rt *retrier, used int) time.Duration {
	s := rt.interval * math.Pow(rt.backoff, float64(used))
	if rt.maxDelay > 0 {
		s = min(s, rt.maxDelay)
	}
	if rt.fullJitter {
		s *= r.float()
	}
	return seconds(s)
}
