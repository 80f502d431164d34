package compile

import (
	"strconv"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// What a foreach copy carries. Each copy's state is built by the Map's
// ItemSelector from references only, so that it has the same small size
// however long the list and however large the parameters:
//
//	run, artifacts  the run ID and the run's S3 prefix
//	sluice          the run's {from, runs} (what SLUICE_RUNS says)
//	foreach         {index, item, path, parent}: the copy's item and where
//	                it is (see the state's shape in shapes.go)
//	error           the empty error, when some step has an onFailure
//	parameters      only the list parameters a foreach nested in the body
//	                iterates over (an inline copy), or every parameter (a
//	                distributed copy: a child execution, whose input is
//	                its own)
//
// The steps of an inline copy read the run's parameters from the
// execution's input ($$.Execution.Input.parameters, with the declared
// defaults merged under them again as the start states do), which every
// copy shares without carrying it. Each copy ends with OutputPath null
// (goTo), so what the Map collects is a list of {}, three bytes a copy.
// A step of a distributed copy reads the same path, which in a child
// execution is the child's input, holding the parameters the parent
// merged.

// itemSelector builds the state of each copy of n's foreach body.
func (p *pipe) itemSelector(n *graph.Node) obj {
	depth := n.Depth()
	path := intrinsicFormat{}
	if depth > 0 {
		path.arg("$.foreach.path")
		path.lit("/")
	}
	path.arg("$$.Map.Item.Index")
	each := obj{{"index.$", "$$.Map.Item.Index"}, {"item.$", "$$.Map.Item.Value"}, {"path.$", path.String()}}
	each.setIf(depth > 0, "parent.$", "$.foreach.path")
	sel := obj{{"run.$", "$.run"}, {"artifacts.$", "$.artifacts"}, {"foreach", each}, {"sluice.$", "$.sluice"}}
	sel.setIf(len(p.targets) > 0, "error.$", "$.error")
	switch {
	case p.mode(n) == dsl.ForeachDistributed && depth == 0:
		sel.set("parameters.$", "$.parameters")
	case p.mode(n) == dsl.ForeachDistributed:
		sel.set("parameters.$", p.runParameters())
	default:
		if lists := nestedLists(n.Foreach.Body); len(lists) > 0 {
			sub := obj{}
			for _, name := range lists {
				sub.set(name+".$", "$.parameters"+pathKey(name))
			}
			sel.set("parameters", sub)
		}
	}
	return sel
}

// nestedLists returns, sorted and once each, the list parameters that
// the foreach states inside scope s (at any depth) iterate over: the part
// of the parameters a copy of s must carry for its own Map states.
func nestedLists(s *graph.Scope) []string {
	seen := map[string]bool{}
	var walk func(s *graph.Scope)
	walk = func(s *graph.Scope) {
		for _, q := range s.Steps {
			switch {
			case q.Split != nil:
				for _, br := range q.Split.Branches {
					walk(br)
				}
			case q.Foreach != nil:
				if q.Foreach.Parameter != "" {
					seen[q.Foreach.Parameter] = true
				}
				walk(q.Foreach.Body)
			}
		}
	}
	walk(s)
	return sortedKeys(seen)
}

// runParameters is the expression of the run's parameters as a state
// inside a foreach copy reads them: the execution input's parameters
// with the declared defaults merged under them, exactly as the start
// states merge them.
func (p *pipe) runParameters() string {
	const input = "$$.Execution.Input.parameters"
	defaults := p.parameterDefaults()
	if len(defaults) == 0 {
		return input
	}
	lit := intrinsicFormat{}
	lit.lit(string(writeJSON(nil, defaults)))
	return "States.JsonMerge(States.StringToJson('" + lit.tmpl.String() + "'), " + input + ", false)"
}

// inputReader returns the first inline foreach (in declaration order)
// whose copies read the parameters from the execution's own input, not
// from a child execution's: one not inside a distributed foreach. Nil
// when there is none.
func (p *pipe) inputReader() *graph.Node {
	for _, n := range p.g.Steps {
		if n.Foreach == nil || p.mode(n) == dsl.ForeachDistributed || insideDistributed(p, n.Scope) {
			continue
		}
		return n
	}
	return nil
}

// insideDistributed reports whether scope s is inside the body of a
// distributed foreach.
func insideDistributed(p *pipe, s *graph.Scope) bool {
	for ; s != nil; s = s.Parent {
		if s.Kind == graph.ScopeBody && p.mode(s.Owner) == dsl.ForeachDistributed {
			return true
		}
	}
	return false
}

// noInputState is the state a run whose input has no "parameters"
// object goes to: a Pass giving it none (then Sluice.NoContext: such an
// input was not written by Sluice, and any "sluice" object in it is
// replaced by the defaults) when nothing reads the execution input
// again, else a Fail, before any step runs, since the copies of an
// inline foreach would fail on the missing object (States.Runtime, which
// no Catch handles) after the steps before them had run.
func (p *pipe) noInputState() obj {
	if f := p.inputReader(); f != nil {
		return obj{{"Type", "Fail"}, {"Error", "Sluice.MissingParameter"},
			{"Cause", `the run's input has no "parameters" object, from which the copies of foreach ` + strconv.Quote(f.Name) +
				` read the run's parameters: start the run with {"parameters": {}} (as sluice run, the API and schedules do)`}}
	}
	return obj{{"Type", "Pass"}, {"Result", obj{}}, {"ResultPath", "$.parameters"}, {"Next", stateNoContext}}
}

// mode is the mode n's foreach runs in.
func (p *pipe) mode(n *graph.Node) string {
	if m, ok := p.modes[n]; ok {
		return m
	}
	return n.Foreach.Mode
}
