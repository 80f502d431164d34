package compile

import (
	"strconv"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// The guard of a foreach: before its Map, a Pass state STEP.items
// counts the list into $.items ({count, cause}) and a Choice
// STEP.items-check fails the run with Sluice.TooManyItems (a Fail state,
// STEP.too-many) when the list is longer than the foreach may take, before
// any copy starts, rather than letting the execution fail on its history
// limit (which nothing catches) after thousands of copies ran. What it may
// take is its maxItems when it declares one (the budget in budget.go
// holds for that many), else its share of the history events its
// execution has left: the events the rest of the execution writes
// subtracted from 25,000, split evenly between the foreach of that
// execution without maxItems, over the events of one copy. A foreach
// without maxItems nested in the body of an inline foreach has no guard:
// its copies are counted once per outer copy, a number not known until
// the run.
//
// A distributed foreach over a list parameter that declares maxItems has
// the same guard before its Map: Step Functions' ItemReader ReaderConfig
// MaxItems only exists for items read from S3, and it reads the first
// MaxItems and drops the rest rather than failing. A distributed foreach
// over outputs.KEY reads KEY.json itself, a list that may be far larger
// than a state's 256 KiB, so nothing counts it before its copies start:
// its maxItems serves the budget only (see the schema's maxItems).
//
// The guards' caps are also what a run's parameters are checked against
// before it starts (RunSpec, CheckRun), and what the defaults and a
// schedule's values are checked against when the pipeline compiles
// (checkItemValues): one computation, so the checks and the guard never
// disagree.
const eventsGuard = 4 // the count Pass and the check Choice, entered and exited

// computeGuards sets p.guards once the modes are decided, and checks the
// declared defaults and the schedule's values against them.
func (p *pipe) computeGuards() {
	p.guards = map[*graph.Node]int{}
	unbounded := map[*graph.Scope][]*graph.Node{}
	for _, n := range p.g.Steps {
		if n.Foreach == nil {
			continue
		}
		items, declared := p.maxItems(n)
		if p.mode(n) == dsl.ForeachDistributed {
			if declared && n.Foreach.Parameter != "" {
				p.guards[n] = items
			}
			continue
		}
		if declared {
			p.guards[n] = items
			continue
		}
		if exec, nested := executionOf(p, n.Scope); !nested {
			unbounded[exec] = append(unbounded[exec], n)
		}
	}
	for exec, list := range unbounded {
		rest, _ := p.executionEvents(exec)
		for _, n := range list {
			body, _ := p.scopeEvents(n.Foreach.Body)
			p.guards[n] = max((maxHistoryEvents-rest)/(len(list)*(eventsIteration+body)), 0)
		}
	}
	p.checkItemValues()
}

// checkItemValues refuses a list default, or a list the schedule starts
// runs with, longer than a foreach over it takes: every run that uses it
// would fail with Sluice.TooManyItems.
func (p *pipe) checkItemValues() {
	limits := p.itemLimits()
	defaults := map[string]any{}
	for name, prm := range p.spec.Parameters {
		if prm.Default != nil {
			defaults[name] = prm.Default
		}
	}
	for _, pr := range itemProblems(limits, defaults) {
		p.failAt(p.loc.at("parameters", pr.name, "default"), "limit.items", "the default of %s", pr.message)
	}
	if s := p.spec.Schedule; s != nil {
		for _, pr := range itemProblems(limits, s.Parameters) {
			p.failAt(p.loc.at("schedule", "parameters", pr.name), "limit.items", "the schedule's %s", pr.message)
		}
	}
}

// executionOf returns the scope that starts the execution s runs in (the
// root, or the body of a distributed foreach), and whether s is inside
// the body of an inline foreach of that execution.
func executionOf(p *pipe, s *graph.Scope) (*graph.Scope, bool) {
	nested := false
	for ; s.Parent != nil; s = s.Parent {
		if s.Kind != graph.ScopeBody {
			continue
		}
		if p.mode(s.Owner) == dsl.ForeachDistributed {
			return s, nested
		}
		nested = true
	}
	return s, nested
}

// guardStates adds the guard of n's inline foreach, if it has one, and
// returns the state to go to before its Map: the guard's first, or the
// Map itself.
func (a *aslBuilder) guardStates(n *graph.Node, mapState string, states *obj) string {
	limit, ok := a.p.guards[n]
	if !ok {
		return mapState
	}
	items := a.p.itemsPath(n)
	cause := intrinsicFormat{}
	cause.lit("foreach of step " + strconv.Quote(n.Name) + " got ")
	cause.arg("States.ArrayLength(" + items + ")")
	if _, declared := a.p.maxItems(n); declared {
		cause.lit(" items, more than its maxItems (" + strconv.Itoa(limit) + ")")
	} else {
		cause.lit(" items; inline, at most " + strconv.Itoa(limit) + " copies fit in an execution history of " + strconv.Itoa(maxHistoryEvents) +
			" events: declare maxItems (a foreach that leaves its mode out then runs distributed when it must) or set mode: distributed")
	}
	count, check, fail := n.Name+".items", n.Name+".items-check", n.Name+".too-many"
	a.add(states, count, n, obj{{"Type", "Pass"},
		{"Parameters", obj{{"count.$", "States.ArrayLength(" + items + ")"}, {"cause.$", cause.String()}}},
		{"ResultPath", "$.items"}, {"Next", check}})
	a.add(states, check, n, obj{{"Type", "Choice"},
		{"Choices", []any{obj{{"Variable", "$.items.count"}, {"NumericGreaterThan", limit}, {"Next", fail}}}},
		{"Default", mapState}})
	a.add(states, fail, n, obj{{"Type", "Fail"}, {"Error", "Sluice.TooManyItems"}, {"CausePath", "$.items.cause"}})
	return count
}

// itemsPath is the path of the list an inline foreach iterates over.
func (p *pipe) itemsPath(n *graph.Node) string {
	if f := n.Foreach; f.Parameter != "" {
		return "$.parameters" + pathKey(f.Parameter)
	}
	return "$.outputs" + pathKey(n.Name) + "." + n.Foreach.Output
}
