package graph

import (
	"sort"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// builder holds the state of one Build.
type builder struct {
	g     *Graph
	at    func(path ...string) sluice.Position
	names []string
	diags sluice.Diagnostics
	// guesses are the steps the unknown references most likely meant, a
	// nil entry for one that resembles no step: the graph is incomplete,
	// and checkUnreachable must not report what the references reach.
	guesses []*Node
}

// Build resolves a pipeline's steps into a Graph. at returns the position
// of a path inside the pipeline's spec (for example at("steps", "3",
// "next")); it may be nil, in which case positions are empty.
//
// On any finding Build returns a nil Graph and every finding, sorted; it
// never panics, whatever the spec holds.
func Build(spec *dsl.PipelineSpec, at func(path ...string) sluice.Position) (*Graph, sluice.Diagnostics) {
	if at == nil {
		at = func(...string) sluice.Position { return sluice.Position{} }
	}
	if spec == nil || len(spec.Steps) == 0 {
		return nil, sluice.Diagnostics{sluice.Errorf(at("steps"), "graph.empty",
			"the pipeline has no steps; add at least one under steps (the first one is the start)")}
	}
	b := &builder{at: at, g: &Graph{byName: make(map[string]*Node, len(spec.Steps)), params: spec.Parameters,
		defaults: stepDefaults{image: spec.Image, compute: spec.Compute, resources: spec.Resources}}}
	b.index(spec.Steps)
	for _, n := range b.g.Steps {
		b.resolve(n)
	}
	b.assign()
	b.checkCycles()
	b.checkUnreachable()
	if len(b.diags) > 0 {
		return nil, b.diags.Sort()
	}
	b.linkParents()
	return b.g, nil
}

func (b *builder) fail(path []string, code, format string, args ...any) {
	b.diags = append(b.diags, sluice.Errorf(b.at(path...), code, format, args...))
}

// index creates a node per step and reports unnamed and duplicate steps,
// which stay out of the graph.
func (b *builder) index(steps []dsl.Step) {
	for i := range steps {
		st := &steps[i]
		if st.Name == "" {
			b.fail(stepPath(i), "graph.step-name", "step %d has no name; give it one with name:", i+1)
			continue
		}
		if first, dup := b.g.byName[st.Name]; dup {
			b.fail(stepPath(i, "name"), "graph.duplicate-step",
				"step %q is defined twice (first at line %d); step names must be unique in a pipeline",
				st.Name, b.at(stepPath(first.Index, "name")...).Line)
			continue
		}
		n := &Node{Name: st.Name, Index: i, Step: st}
		b.g.byName[st.Name] = n
		b.g.Steps = append(b.g.Steps, n)
		b.names = append(b.names, st.Name)
	}
}

// ref resolves a step name written at path, reporting unknown names.
func (b *builder) ref(from *Node, name, role string, path func() []string) *Node {
	if name == "" {
		return nil
	}
	if n := b.g.byName[name]; n != nil {
		return n
	}
	b.fail(path(), "graph.unknown-step", "step %q names %q as %s, but no step is called that%s",
		from.Name, name, role, dsl.DidYouMean(name, b.names))
	b.guesses = append(b.guesses, b.g.byName[dsl.Closest(name, b.names)])
	return nil
}

// resolve fills a node's references and outgoing edges from its step.
func (b *builder) resolve(n *Node) {
	st := n.Step
	b.checkSuccessors(n)
	switch {
	case st.Split != nil:
		b.resolveSplit(n)
	case st.Foreach != nil:
		b.resolveForeach(n)
	case st.Switch != nil:
		b.resolveSwitch(n)
	default:
		n.Next = b.ref(n, st.Next, "next", func() []string { return stepPath(n.Index, "next") })
		b.addEdge(n, n.Next, edgeNext, "next", "")
	}
	if st.OnFailure != "" {
		path := func() []string { return stepPath(n.Index, "onFailure") }
		n.OnFailure = b.ref(n, st.OnFailure, "onFailure", path)
		if n.OnFailure == n {
			b.fail(path(), "graph.cycle", "step %q names itself as onFailure; point it at a step that handles the failure", n.Name)
			n.OnFailure = nil
		}
		b.addEdge(n, n.OnFailure, edgeFailure, "onFailure", "")
	}
}

func (b *builder) addEdge(from, to *Node, kind edgeKind, field, key string) {
	if to != nil {
		from.out = append(from.out, edge{to: to, kind: kind, from: from.Index, field: field, key: key})
	}
}

// checkSuccessors reports a step that continues in more than one way;
// Build then follows the first of split, foreach, switch, next.
func (b *builder) checkSuccessors(n *Node) {
	var ways []string
	st := n.Step
	if st.Next != "" {
		ways = append(ways, "next")
	}
	if st.Split != nil {
		ways = append(ways, "split")
	}
	if st.Foreach != nil {
		ways = append(ways, "foreach")
	}
	if st.Switch != nil {
		ways = append(ways, "switch")
	}
	if len(ways) > 1 {
		b.fail(stepPath(n.Index, ways[1]), "graph.successors",
			"step %q has both %s; a step continues in one way only: keep one of them",
			n.Name, strings.Join(ways, " and "))
	}
}

func (b *builder) resolveSplit(n *Node) {
	sp := n.Step.Split
	n.Split = &Split{}
	joinPath := func() []string { return stepPath(n.Index, "split", "join") }
	if sp.Join == "" {
		b.fail(stepPath(n.Index, "split"), "graph.missing-join",
			"split of step %q needs a join: the step where its branches meet again", n.Name)
	}
	n.Split.Join = b.ref(n, sp.Join, "the join of its split", joinPath)
	if len(sp.Branches) == 0 {
		b.fail(stepPath(n.Index, "split"), "graph.split-branches",
			"split of step %q has no branches; list the first step of each branch under branches", n.Name)
	}
	seen := make(map[string]bool, len(sp.Branches))
	for i, name := range sp.Branches {
		key := strconv.Itoa(i)
		path := func() []string { return stepPath(n.Index, "split", "branches", key) }
		if seen[name] {
			b.fail(path(), "graph.split-branches", "split of step %q lists branch %q twice", n.Name, name)
			continue
		}
		seen[name] = true
		start := b.ref(n, name, "a branch of its split", path)
		switch start {
		case nil:
		case n:
			b.fail(path(), "graph.cycle", "split of step %q lists the step itself as a branch", n.Name)
		case n.Split.Join:
			b.fail(path(), "graph.join-is-branch",
				"split of step %q lists its join %q as a branch; the join runs after the branches, so name another step", n.Name, name)
		default:
			b.addEdge(n, start, edgeStart, "split.branches", key)
		}
	}
	b.addEdge(n, n.Split.Join, edgeJoin, "split.join", "")
}

func (b *builder) resolveForeach(n *Node) {
	fe := n.Step.Foreach
	n.Foreach = &Foreach{Over: fe.Over, Concurrency: fe.Concurrency, Mode: fe.Mode}
	if n.Foreach.Mode == "" {
		n.Foreach.Mode = dsl.ForeachInline
	}
	b.checkOver(n)
	joinPath := func() []string { return stepPath(n.Index, "foreach", "join") }
	if fe.Join == "" {
		b.fail(stepPath(n.Index, "foreach"), "graph.missing-join",
			"foreach of step %q needs a join: the step where the copies of its body meet again", n.Name)
	}
	n.Foreach.Join = b.ref(n, fe.Join, "the join of its foreach", joinPath)
	bodyPath := func() []string { return stepPath(n.Index, "foreach", "step") }
	if fe.Step == "" {
		b.fail(stepPath(n.Index, "foreach"), "graph.foreach-step",
			"foreach of step %q needs a step: the first step of the body run for each item", n.Name)
	}
	start := b.ref(n, fe.Step, "the body of its foreach", bodyPath)
	switch start {
	case nil:
	case n:
		b.fail(bodyPath(), "graph.cycle", "foreach of step %q names the step itself as its body", n.Name)
	case n.Foreach.Join:
		b.fail(bodyPath(), "graph.join-is-branch",
			"foreach of step %q uses its join %q as its body; the join runs after the body, so name another step", n.Name, fe.Step)
	default:
		b.addEdge(n, start, edgeStart, "foreach.step", "")
	}
	b.addEdge(n, n.Foreach.Join, edgeJoin, "foreach.join", "")
}

// checkOver accepts "parameters.NAME" for a declared list parameter and
// "outputs.KEY" for a list the step writes.
func (b *builder) checkOver(n *Node) {
	over := n.Foreach.Over
	path := stepPath(n.Index, "foreach", "over")
	if key, ok := strings.CutPrefix(over, "outputs."); ok && key != "" {
		n.Foreach.Output = key
		return
	}
	name, ok := strings.CutPrefix(over, "parameters.")
	if !ok || name == "" {
		b.fail(path, "graph.foreach-over",
			"foreach of step %q is over %q; write parameters.NAME (a list parameter) or outputs.KEY (a list the step writes to its outputs.json)",
			n.Name, over)
		return
	}
	p, declared := b.g.params[name]
	if !declared {
		b.fail(path, "graph.foreach-over", "foreach of step %q is over parameter %q, which the pipeline does not declare%s",
			n.Name, name, dsl.DidYouMean(name, sortedKeys(b.g.params)))
		return
	}
	if p.Type != dsl.ParamList {
		b.fail(path, "graph.foreach-over", "foreach of step %q is over parameter %q of type %s; a foreach needs a parameter of type list",
			n.Name, name, p.Type)
		return
	}
	n.Foreach.Parameter = name
}

func (b *builder) resolveSwitch(n *Node) {
	sw := n.Step.Switch
	n.Switch = &Switch{On: sw.On}
	if key, ok := strings.CutPrefix(sw.On, "outputs."); ok && key != "" {
		n.Switch.Output = key
	} else {
		b.fail(stepPath(n.Index, "switch", "on"), "graph.switch-on",
			"switch of step %q is on %q; write outputs.KEY, a value the step writes to its outputs.json", n.Name, sw.On)
	}
	if len(sw.Cases) == 0 && sw.Default == "" {
		b.fail(stepPath(n.Index, "switch"), "graph.switch-cases",
			"switch of step %q has no cases and no default; map values to steps under cases", n.Name)
	}
	values := make([]string, 0, len(sw.Cases))
	for v := range sw.Cases {
		values = append(values, v)
	}
	sort.Strings(values)
	for _, v := range values {
		path := func() []string { return stepPath(n.Index, "switch", "cases", v) }
		t := b.ref(n, sw.Cases[v], "the case "+quote(v)+" of its switch", path)
		if t != nil {
			n.Switch.Cases = append(n.Switch.Cases, Case{Value: v, Target: t})
			b.addEdge(n, t, edgeCase, "switch.cases", v)
		}
	}
	path := func() []string { return stepPath(n.Index, "switch", "default") }
	n.Switch.Default = b.ref(n, sw.Default, "the default of its switch", path)
	b.addEdge(n, n.Switch.Default, edgeDefault, "switch.default", "")
}

func quote(s string) string { return `"` + s + `"` }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
