package compile

import (
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// The history and payload budget of a pipeline, checked at compile time.
//
// A Standard execution's history holds at most 25,000 events, and an
// inline foreach writes its copies' events into the history of the
// execution it runs in (a distributed foreach's copies are child
// executions, each with a history of its own). Each state writes a
// fixed number of events on its first try (a Batch Task six, an S3 read
// five, a Pass, Choice or Succeed two, a Map or Parallel four, each Map
// copy two more), and each retry a step's retry.attempts allows adds
// four (the failed try's TaskFailed, then TaskScheduled, TaskStarted and
// TaskSubmitted again): the budget reserves every retry a step may take,
// the worst case of each copy, since a copy that fails until its last
// attempt costs that much and nothing stops it from doing so in every
// copy. Sluice's own retriers for transient errors (Batch throttling,
// S3 reads) are not reserved: they answer a failure of the service, not
// of the step. With a foreach's declared maxItems, the events of the
// execution it runs in are known; when they pass 25,000, a foreach that
// does not say its mode runs distributed, and one written inline is
// refused with a finding at its maxItems (limit.history). Without
// maxItems the count of copies is known only at run time, where the
// guard (guard.go) checks it.
//
// The payload needs no budget of its own any more: what the Map collects
// is three bytes a copy (each copy ends with {}, see foreach.go), and a
// copy writes at least 8 events, so the history limit is reached by
// 3,125 copies, whose collected outputs take 9.4 KB of the 256 KiB a
// state's data may hold. A copy's input is constant; the list itself
// is bounded where it enters the run (the parameters by the run's
// checks, outputs.json when it is read).
const (
	maxHistoryEvents = 25_000

	eventsExecution   = 2  // ExecutionStarted, ExecutionSucceeded
	eventsStart       = 12 // Sluice.Input, Sluice.NoContext, Sluice.Defaults, Sluice.Parameters, one check, Sluice.From
	eventsBatchTask   = 6  // Entered, Scheduled, Started, Submitted, Succeeded, Exited
	eventsRetry       = 4  // Failed, then Scheduled, Started, Submitted again
	eventsReadTask    = 5  // Entered, Scheduled, Started, Succeeded, Exited
	eventsChoice      = 2  // Entered, Exited
	eventsShape       = 4  // Entered, Started, Succeeded, Exited (Map or Parallel)
	eventsMapRun      = 2  // MapRunStarted, MapRunSucceeded (distributed)
	eventsIteration   = 2  // MapIterationStarted, MapIterationSucceeded
	bytesCopyOutput   = 3  // "{}" and a comma in the collected list
	bytesCopiesFramed = 2  // the collected list's brackets
)

// retryEvents returns the events the retries of step n may add at most:
// eventsRetry for each attempt its retry (or the pipeline's, or the
// project's) allows after the first try.
func (p *pipe) retryEvents(n *graph.Node) int {
	r := n.Step.Retry
	if r == nil {
		r = p.spec.Retry
	}
	if r == nil || r.Attempts <= 0 {
		return 0
	}
	return r.Attempts * eventsRetry
}

// maxItems returns the maxItems a foreach declares, and whether it does.
// The typed model does not hold it; it is read from the merged document.
func (p *pipe) maxItems(n *graph.Node) (int, bool) {
	spec, _ := p.doc.Merged(p.c.in.Env)["spec"].(map[string]any)
	steps, _ := spec["steps"].([]any)
	if n.Index >= len(steps) {
		return 0, false
	}
	step, _ := steps[n.Index].(map[string]any)
	f, _ := step["foreach"].(map[string]any)
	switch v := f["maxItems"].(type) {
	case int:
		return v, v > 0
	case int64:
		return int(v), v > 0
	case float64:
		return int(v), v > 0
	}
	return 0, false
}

// scopeEvents returns the events one pass through scope s writes on
// first tries, every step counted (an upper bound when a switch skips
// some), and whether that is exact: false when an inline foreach in it
// declares no maxItems, whose copies are then counted as none.
func (p *pipe) scopeEvents(s *graph.Scope) (int, bool) {
	total, exact := 0, true
	for _, n := range s.Steps {
		e, ok := p.stepEvents(n)
		total, exact = total+e, exact && ok
	}
	return total, exact
}

func (p *pipe) stepEvents(n *graph.Node) (int, bool) {
	e, exact := eventsBatchTask+p.retryEvents(n), true
	if n.NeedsOutputs() && (n.Foreach == nil || p.mode(n) != dsl.ForeachDistributed) {
		e += eventsReadTask
	}
	switch {
	case n.Switch != nil:
		e += eventsChoice
	case n.Split != nil:
		e += eventsShape
		for _, br := range n.Split.Branches {
			b, ok := p.scopeEvents(br)
			e, exact = e+b, exact && ok
		}
	case n.Foreach != nil && p.mode(n) == dsl.ForeachDistributed:
		e += eventsGuard + eventsShape + eventsMapRun
	case n.Foreach != nil:
		body, ok := p.scopeEvents(n.Foreach.Body)
		items, declared := p.maxItems(n)
		e += eventsGuard + eventsShape + items*(eventsIteration+body)
		exact = exact && ok && declared
	}
	return e, exact
}

// executionEvents returns the events of the execution scope s runs in:
// the pipeline's own, or the child execution of the distributed foreach
// whose body s is in; the second result as scopeEvents'.
func (p *pipe) executionEvents(s *graph.Scope) (int, bool) {
	for ; s.Parent != nil; s = s.Parent {
		if s.Kind == graph.ScopeBody && p.mode(s.Owner) == dsl.ForeachDistributed {
			e, ok := p.scopeEvents(s)
			return eventsExecution + e, ok
		}
	}
	e, ok := p.scopeEvents(s)
	return eventsExecution + eventsStart + e, ok
}

// checkBudget applies the budget to every inline foreach that declares
// maxItems, outermost first: the events it counts are a lower bound on
// the execution's (foreach without maxItems counted as empty), so a
// foreach over the limit is over it whatever the others do.
func (p *pipe) checkBudget() {
	for depth := 0; ; depth++ {
		found := false
		for _, n := range p.g.Steps {
			if n.Depth() != depth {
				continue
			}
			found = true
			if n.Foreach != nil && p.mode(n) != dsl.ForeachDistributed {
				p.budgetForeach(n)
			}
		}
		if !found {
			return
		}
	}
}

func (p *pipe) budgetForeach(n *graph.Node) {
	items, declared := p.maxItems(n)
	if !declared {
		return
	}
	events, _ := p.executionEvents(n.Scope)
	if events <= maxHistoryEvents {
		return
	}
	if n.Step.Foreach.Mode == "" {
		if p.modes == nil {
			p.modes = map[*graph.Node]string{}
		}
		p.modes[n] = dsl.ForeachDistributed
		return
	}
	body, _ := p.scopeEvents(n.Foreach.Body)
	p.failAt(p.stepPos(n, "foreach", "maxItems"), "limit.history",
		"foreach of step %q runs up to %d copies inline, %d history events each (every retry counted): about %d events for the run, and a Step Functions execution's history holds at most %d; "+
			"set mode: distributed (each copy a child execution with its own history) or leave mode out for Sluice to pick it, or lower maxItems",
		n.Name, items, eventsIteration+body, events, maxHistoryEvents)
}
