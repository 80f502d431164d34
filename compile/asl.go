package compile

import (
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// Limits of Step Functions the compiler checks.
const (
	maxStateName       = 80
	maxInlineMap       = 40
	maxDefinitionBytes = 1 << 20
	maxPayloadBytes    = 256 << 10
	maxOverrides       = 8192
)

// ASL resource ARNs of the service integrations the compiler uses.
const (
	arnSubmitJob = "arn:aws:states:::batch:submitJob.sync"
	arnGetObject = "arn:aws:states:::aws-sdk:s3:getObject"
	arnS3Get     = "arn:aws:states:::s3:getObject"
	arnS3Put     = "arn:aws:states:::s3:putObject"
)

// aslBuilder writes a pipeline's graph as Amazon States Language. State
// names are step names; the states a step needs besides its Task carry
// the step's name and a suffix (".outputs", ".split", ".foreach",
// ".switch"), which step names cannot contain, and Sluice's own states
// start with "Sluice.".
type aslBuilder struct {
	p     *pipe
	names map[string]bool
	long  map[*graph.Node]bool // steps already reported for a long state name
}

// definition returns the state machine's ASL.
func (p *pipe) definition() obj {
	a := &aslBuilder{p: p, names: make(map[string]bool, 4*len(p.g.Steps)), long: map[*graph.Node]bool{}}
	states := obj{}
	a.startStates(&states)
	a.scopeStates(p.g.Root, &states)
	def := obj{{"Comment", "Sluice pipeline " + p.name + " of project " + p.c.project + ", environment " + p.c.in.Env},
		{"StartAt", stateInput}, {"States", states}}
	// Only runTimeout bounds the run; timeout bounds each step's Task.
	def.setIf(p.spec.RunTimeout != "", "TimeoutSeconds", p.runTimeout())
	return def
}

// scope returns a branch or body as a {StartAt, States} object.
func (a *aslBuilder) scope(s *graph.Scope) obj {
	states := obj{}
	a.scopeStates(s, &states)
	return obj{{"StartAt", s.Start.Name}, {"States", states}}
}

func (a *aslBuilder) scopeStates(s *graph.Scope, states *obj) {
	for _, n := range s.Steps {
		a.step(s, n, states)
	}
}

// add puts a state in, checking its name against the limits.
func (a *aslBuilder) add(states *obj, name string, n *graph.Node, state obj) {
	switch {
	case len(name) > maxStateName && !a.long[n]:
		a.long[n] = true
		a.p.failAt(a.p.stepPos(n, "name"), "limit.state-name",
			"step %q gives the state name %q, %d characters; Step Functions allows %d: shorten the step's name",
			n.Name, name, len(name), maxStateName)
	case a.names[name]:
		a.p.failAt(a.p.stepPos(n, "name"), "limit.state-name",
			"step %q gives the state name %q, which another state already has; rename the step", n.Name, name)
	}
	a.names[name] = true
	states.set(name, state)
}

// step adds a step's states: its Task, then the state that reads its
// outputs if its switch or foreach needs them, then its Parallel, Map or
// Choice.
func (a *aslBuilder) step(s *graph.Scope, n *graph.Node, states *obj) {
	after := a.shapeState(n)
	needs := a.readsOutputs(n)
	task := a.task(s, n, states)
	next := after
	if n.Foreach != nil {
		next = a.guardStates(n, after, states)
	}
	switch {
	case needs:
		task.set("Next", n.Name+".outputs")
	case next != "":
		task.set("Next", next)
	default:
		goTo(s, n.Next, &task)
	}
	a.add(states, n.Name, n, task)
	if needs {
		read := a.readOutputs(s, n, states)
		read.set("Next", next)
		a.add(states, n.Name+".outputs", n, read)
	}
	switch {
	case n.Split != nil:
		par := obj{{"Type", "Parallel"}, {"Branches", a.branches(n)}, {"ResultPath", nil}}
		goTo(s, n.Split.Join, &par)
		a.add(states, after, n, par)
	case n.Foreach != nil:
		m := a.mapState(n)
		goTo(s, n.Foreach.Join, &m)
		a.add(states, after, n, m)
	case n.Switch != nil:
		a.add(states, after, n, a.choice(s, n, states))
	}
}

// shapeState names the state that follows a step's Task and outputs: its
// Parallel, Map or Choice; "" for a plain step.
func (a *aslBuilder) shapeState(n *graph.Node) string {
	switch {
	case n.Split != nil:
		return n.Name + ".split"
	case n.Foreach != nil:
		return n.Name + ".foreach"
	case n.Switch != nil:
		return n.Name + ".switch"
	}
	return ""
}

// readsOutputs reports whether the step needs a state that reads its
// outputs.json into the execution: for a switch, and for an inline
// foreach over outputs (a distributed one reads its items from S3
// itself).
func (a *aslBuilder) readsOutputs(n *graph.Node) bool {
	return n.Switch != nil || (n.Foreach != nil && n.Foreach.Output != "" && a.p.mode(n) != dsl.ForeachDistributed)
}

// goTo ends a state with Next, or End when target ends the scope. A
// state that ends a branch or a foreach copy outputs {} (OutputPath
// null): the Parallel or Map collects every branch's or copy's output
// into one list before its ResultPath discards it, and Step Functions
// counts that list against its 256 KiB limit on a state's data, so a
// copy that passed on its whole state would make the list grow with the
// number of copies times the state's size.
func goTo(s *graph.Scope, target *graph.Node, st *obj) {
	if target == nil || target == s.Join {
		st.set("End", true)
		st.setIf(s.Kind != graph.ScopeRoot, "OutputPath", nil)
		return
	}
	st.set("Next", target.Name)
}

// jumpTo returns the state a Choice or Catch goes to for target. Those
// cannot end a branch or body themselves, so a jump to the scope's join
// goes to a Succeed state that does.
func (a *aslBuilder) jumpTo(s *graph.Scope, target *graph.Node, states *obj) string {
	if target != s.Join {
		return target.Name
	}
	name := s.Start.Name + ".done"
	if !a.names[name] {
		done := obj{{"Type", "Succeed"}}
		done.setIf(s.Kind != graph.ScopeRoot, "OutputPath", nil)
		a.add(states, name, s.Start, done)
	}
	return name
}

func (a *aslBuilder) branches(n *graph.Node) []any {
	out := make([]any, len(n.Split.Branches))
	for i, br := range n.Split.Branches {
		out[i] = a.scope(br)
	}
	return out
}
