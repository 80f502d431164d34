package local

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// StartFromOrigin starts an execution named name of stateMachine that
// reuses what the execution originID did before step: every step that
// is not step and does not follow it in the graph (its ancestors, and
// the steps of other branches) is not run again; the origin's succeeded
// attempt of it (same step, same foreach copy) is reused, its artifacts
// copied under the new run's prefix and its result handed on, as
// ResumeExecution does. step and everything after it run anew. This is
// Metaflow's "resume --origin-run-id".
//
// The run's parameters are the origin's, with those input's
// "parameters" names replaced: a reused step's results were computed
// with the origin's values.
//
// It fails with KindNotFound when originID or stateMachine names
// nothing; KindInvalid when the origin is a run of another state
// machine or step is not a step of it (naming the closest one);
// KindConflict when the origin is still running or a step it must reuse
// ran in the origin without succeeding; and as StartExecution does
// otherwise.
func (w *World) StartFromOrigin(ctx context.Context, stateMachine, name string, input json.RawMessage, originID, step string) (string, error) {
	const op = "local.StartFromOrigin"
	sm, err := w.StateMachine(stateMachine)
	if err != nil {
		return "", sluice.E(op, sluice.KindOf(err), err)
	}
	e, err := w.DescribeExecution(ctx, originID)
	if sluice.KindOf(err) == sluice.KindNotFound {
		return "", sluice.E(op, sluice.KindNotFound, fmt.Errorf("the origin run %s of %s does not exist", lastPart(originID, ":"), sm.Name))
	}
	if err != nil {
		return "", err
	}
	if e.StateMachine != sm.ARN {
		return "", sluice.E(op, sluice.KindInvalid, fmt.Errorf("run %s is a run of %s, not of %s: give a run of the same pipeline",
			e.Name, lastPart(e.StateMachine, ":"), sm.Name))
	}
	if e.Status == sluice.ExecutionRunning {
		return "", sluice.E(op, sluice.KindConflict, fmt.Errorf("run %s is still running: wait for it to end, or stop it", e.Name))
	}
	g, err := parseStepGraph(sm.Definition)
	if err != nil {
		return "", sluice.E(op, sluice.KindInvalid, fmt.Errorf("state machine %s: %w", sm.Name, err))
	}
	if !slices.Contains(g.steps, step) {
		return "", sluice.E(op, sluice.KindInvalid, fmt.Errorf("--from %s: %s has no step %q%s (its steps: %s)",
			step, sm.Name, step, dsl.DidYouMean(step, g.steps), strings.Join(g.steps, ", ")))
	}
	from, err := originOf(e, g.before(step), step)
	if err != nil {
		return "", sluice.E(op, sluice.KindConflict, err)
	}
	merged, err := originInput(e.Input, input)
	if err != nil {
		return "", sluice.E(op, sluice.KindInvalid, err)
	}
	return w.startExecution(ctx, sm.ARN, name, merged, from)
}

// originOf is the origin e with the succeeded attempts of the steps
// reused. A reused step that ran in e without succeeding (in any of its
// foreach copies) is an error naming it; one e never reached is left to
// run if the new run reaches it.
func originOf(e sluice.Execution, reused []string, step string) (*origin, error) {
	reuse := map[string]bool{}
	for _, s := range reused {
		reuse[s] = true
	}
	o := &origin{id: e.ID, name: e.Name, succeeded: map[string]sluice.StepRun{}}
	ran := map[string]sluice.StepRun{}
	for _, s := range e.Steps {
		if !reuse[s.State] {
			continue
		}
		if s.Status == sluice.ExecutionSucceeded && s.Log != "" {
			o.succeeded[s.Path] = s
		}
		ran[s.Path] = s
	}
	for _, p := range sortedKeys(ran) {
		if _, ok := o.succeeded[p]; !ok {
			s := ran[p]
			return nil, fmt.Errorf("step %s did not succeed in run %s (%s): it comes before %s and must be reused; start from %s (--from %s), or resume the run (sluice runs resume %s)",
				p, e.Name, strings.ToLower(s.Status), step, s.State, s.State, e.Name)
		}
	}
	return o, nil
}

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// originInput is the origin's input with the "parameters" of override
// replacing the origin's of the same names.
func originInput(origin, override json.RawMessage) (json.RawMessage, error) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(origin, &in); err != nil || in == nil {
		in = map[string]json.RawMessage{}
	}
	var params, over map[string]json.RawMessage
	_ = json.Unmarshal(in["parameters"], &params)
	if len(override) > 0 {
		var o struct {
			Parameters map[string]json.RawMessage `json:"parameters"`
		}
		if err := json.Unmarshal(override, &o); err != nil {
			return nil, fmt.Errorf("input is not JSON: %w", err)
		}
		over = o.Parameters
	}
	if params == nil {
		params = map[string]json.RawMessage{}
	}
	for k, v := range over {
		params[k] = v
	}
	b, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	in["parameters"] = b
	return json.Marshal(in)
}
