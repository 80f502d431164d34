package compile

import "github.com/sluice-dev/sluice/graph"

// An onFailure step is told what failed: SLUICE_FAILED_STEP,
// SLUICE_ERROR and SLUICE_CAUSE, read from $.error, which holds
// {Step, Error, Cause}. The start states set it to empty strings (and
// each foreach copy inherits it), so a step that is some step's onFailure
// but is reached the ordinary way gets empty values rather than a
// States.Runtime error. A Catch puts {Error, Cause} there, then a Pass
// state STEP.failed adds the failed step's name, and a Choice
// TARGET.failure shortens the cause of a failed Batch job (the whole job
// description, which could make the onFailure job's container overrides
// longer than the 8,192 characters Batch accepts).

// Sizes assumed for the failure variables when container overrides are
// measured: an error name, a step name, and a cause other than a failed
// Batch job's (an API or S3 error message, a timeout).
const (
	estError = 256
	estStep  = 80
	estCause = 1024
)

// batchFailureCause replaces the cause of States.TaskFailed, a Batch job
// that failed, for the onFailure step.
const batchFailureCause = "the step's Batch job failed; its status reason and logs are in the AWS Batch console, under the job named after the step"

// failureTargets returns the steps a Catch hands an error to: the
// onFailure steps of steps of their own scope. A step's onFailure that is
// the join of the step's branch or body only ends that branch or body;
// the join learns nothing of it.
func (p *pipe) failureTargets() map[*graph.Node]bool {
	out := map[*graph.Node]bool{}
	for _, q := range p.g.Steps {
		if q.OnFailure != nil && q.Scope.Join != q.OnFailure {
			out[q.OnFailure] = true
		}
	}
	return out
}

// emptyError is $.error before anything failed.
func emptyError() obj { return obj{{"Cause", ""}, {"Error", ""}, {"Step", ""}} }

// failureVars are the onFailure step's variables, in name order.
func failureVars() []envVar {
	return []envVar{dyn("SLUICE_CAUSE", "$.error.Cause", estCause), dyn("SLUICE_ERROR", "$.error.Error", estError),
		dyn("SLUICE_FAILED_STEP", "$.error.Step", estStep)}
}

// catch sends any failure of the step's states to its onFailure step,
// with the error under $.error, through STEP.failed and TARGET.failure.
func (a *aslBuilder) catch(s *graph.Scope, n *graph.Node, st *obj, states *obj) {
	if n.OnFailure == nil {
		return
	}
	next := a.jumpTo(s, n.OnFailure, states)
	if next == n.OnFailure.Name {
		next = a.failedStates(n, n.OnFailure, states)
	}
	st.set("Catch", []any{obj{{"ErrorEquals", []string{"States.ALL"}}, {"ResultPath", "$.error"}, {"Next", next}}})
}

// failedStates adds, once each, the Pass state that names the failed step
// n and the Choice before target t that shortens a Batch job's cause; it
// returns the first.
func (a *aslBuilder) failedStates(n, t *graph.Node, states *obj) string {
	failed, choice, batch := shortState(n.Name+".failed"), shortState(t.Name+".failure"), shortState(t.Name+".failure-cause")
	if !a.names[choice] {
		a.add(states, choice, t, obj{{"Type", "Choice"},
			{"Choices", []any{obj{{"Variable", "$.error.Error"}, {"StringEquals", "States.TaskFailed"}, {"Next", batch}}}},
			{"Default", t.Name}})
		a.add(states, batch, t, obj{{"Type", "Pass"}, {"Result", batchFailureCause}, {"ResultPath", "$.error.Cause"}, {"Next", t.Name}})
	}
	if !a.names[failed] {
		a.add(states, failed, n, obj{{"Type", "Pass"}, {"Result", n.Name}, {"ResultPath", "$.error.Step"}, {"Next", choice}})
	}
	return failed
}
