package asl

import (
	"context"
	"errors"
	"time"
)

// runState runs one state on its raw input and returns its output and
// the next state's name ("" when the state ends its scope).
func (r *run) runState(ctx context.Context, st *state, raw any, prefix string) (any, string, error) {
	where := join(prefix, st.name)
	sc := &stateCtx{run: r, state: st.name, entered: r.opts.Clock(), child: childOf(ctx)}
	r.emit(Event{Type: EventStateEntered, State: st.name, Path: where, Input: r.encode(raw)})
	out, next, err := r.dispatch(ctx, st, raw, sc, where)
	var f *Failure
	switch {
	case errors.As(err, &f):
		r.emit(Event{Type: EventStateFailed, State: st.name, Path: where, Error: f.Name, Cause: f.Cause})
	case err == nil:
		r.emit(Event{Type: EventStateExited, State: st.name, Path: where, Output: r.encode(out)})
	}
	return out, next, err
}

func (r *run) dispatch(ctx context.Context, st *state, raw any, sc *stateCtx, where string) (any, string, error) {
	switch st.typ {
	case typePass:
		return r.pass(st, raw, sc)
	case typeChoice:
		return r.choice(st, raw, sc)
	case typeWait:
		return r.wait(ctx, st, raw, sc, where)
	case typeSucceed:
		out, err := r.inOut(st, raw, sc)
		return out, "", err
	case typeFail:
		return nil, "", r.fail(st, raw, sc)
	}
	return r.withCatch(ctx, st, raw, sc, where)
}

// effectiveInput applies InputPath, then Parameters.
func (r *run) effectiveInput(st *state, raw any, sc *stateCtx) (any, error) {
	in, err := selectPath(st.inputPath, raw, "InputPath")
	if err != nil || st.parameters == nil {
		return in, err
	}
	return st.parameters.eval(&env{input: in, st: sc, run: r})
}

// selectPath applies InputPath or OutputPath: null gives {}.
func selectPath(op optPath, v any, field string) (any, error) {
	switch {
	case op.null:
		return map[string]any{}, nil
	case op.p == nil:
		return v, nil
	}
	out, ok := op.p.get(v)
	if !ok {
		return nil, runtimeError("%s %q matches nothing in the state's data", field, op.p.text)
	}
	return out, nil
}

// output applies ResultSelector to result, places it in the raw input
// with ResultPath, then applies OutputPath.
func (r *run) output(st *state, raw, result any, sc *stateCtx) (any, error) {
	if st.selector != nil {
		var err error
		if result, err = st.selector.eval(&env{input: result, st: sc, run: r}); err != nil {
			return nil, err
		}
	}
	placed, err := placeResult(st.resultPath, raw, result)
	if err != nil {
		return nil, err
	}
	return selectPath(st.outputPath, placed, "OutputPath")
}

// placeResult applies a ResultPath: null keeps the raw input, "$" (or
// none) replaces it.
func placeResult(op optPath, raw, result any) (any, error) {
	switch {
	case op.null:
		return raw, nil
	case op.p == nil:
		return result, nil
	}
	out, err := op.p.set(raw, result)
	if err != nil {
		return nil, &Failure{Name: ErrResultPathMatchFailure, Cause: err.Error()}
	}
	return out, nil
}

// next returns where a state goes: its Next, or "" when it ends.
func (st *state) nextState() string {
	if st.end {
		return ""
	}
	return st.next
}

// inOut is the processing of states with only InputPath and OutputPath.
func (r *run) inOut(st *state, raw any, _ *stateCtx) (any, error) {
	in, err := selectPath(st.inputPath, raw, "InputPath")
	if err != nil {
		return nil, err
	}
	return selectPath(st.outputPath, in, "OutputPath")
}

// pass outputs its Result, or its effective input.
func (r *run) pass(st *state, raw any, sc *stateCtx) (any, string, error) {
	in, err := r.effectiveInput(st, raw, sc)
	if err != nil {
		return nil, "", err
	}
	if st.hasResult {
		in = st.result
	}
	out, err := r.output(st, raw, in, sc)
	return out, st.nextState(), err
}

// choice goes to the first matching rule's Next, else to Default, else
// fails with States.NoChoiceMatched.
func (r *run) choice(st *state, raw any, sc *stateCtx) (any, string, error) {
	in, err := selectPath(st.inputPath, raw, "InputPath")
	if err != nil {
		return nil, "", err
	}
	next := st.dflt
	e := &env{input: in, st: sc, run: r}
	for _, rule := range st.choices {
		ok, err := rule.eval(e)
		if err != nil {
			return nil, "", err
		}
		if ok {
			next = rule.next
			break
		}
	}
	if next == "" {
		return nil, "", &Failure{Name: ErrNoChoiceMatched, Cause: "no Choice rule matched the input and there is no Default"}
	}
	out, err := selectPath(st.outputPath, in, "OutputPath")
	return out, next, err
}

// fail fails with its Error and Cause, or those its paths read.
func (r *run) fail(st *state, raw any, _ *stateCtx) error {
	f := &Failure{Name: st.errName, Cause: st.cause}
	for _, p := range []struct {
		path *path
		dst  *string
	}{{st.errorPath, &f.Name}, {st.causePath, &f.Cause}} {
		if p.path == nil {
			continue
		}
		v, ok := p.path.get(raw)
		s, isStr := v.(string)
		if !ok || !isStr {
			return runtimeError("Fail state: %q does not give a string", p.path.text)
		}
		*p.dst = s
	}
	return f
}

// wait sleeps for Seconds or until Timestamp, or what their paths read.
func (r *run) wait(ctx context.Context, st *state, raw any, sc *stateCtx, where string) (any, string, error) {
	in, err := selectPath(st.inputPath, raw, "InputPath")
	if err != nil {
		return nil, "", err
	}
	d, err := r.waitFor(&st.wait, in)
	if err != nil {
		return nil, "", err
	}
	r.emit(Event{Type: EventWaitStarted, State: st.name, Path: where, Delay: d})
	if err := r.opts.Sleep(ctx, d); err != nil {
		return nil, "", err
	}
	out, err := selectPath(st.outputPath, in, "OutputPath")
	return out, st.nextState(), err
}

func (r *run) waitFor(w *waitSpec, in any) (time.Duration, error) {
	switch {
	case w.hasSeconds:
		return seconds(w.seconds), nil
	case w.hasTimestamp:
		return max(w.timestamp.Sub(r.opts.Clock()), 0), nil
	case w.secondsPath != nil:
		v, _ := w.secondsPath.get(in)
		n, ok := integer(v)
		if !ok || n < 0 {
			return 0, runtimeError("SecondsPath %q does not give a non-negative integer", w.secondsPath.text)
		}
		return time.Duration(n) * time.Second, nil
	}
	v, _ := w.timestampPath.get(in)
	t, err := parseTime(v)
	if err != nil {
		return 0, runtimeError("TimestampPath %q does not give an RFC 3339 time", w.timestampPath.text)
	}
	return max(t.Sub(r.opts.Clock()), 0), nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
