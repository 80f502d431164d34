package compile

import (
	"fmt"
	"strconv"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// RunSpec is what a run's parameters are checked against before the run
// starts (CheckRun): the parameters a pipeline declares, and the most
// items each foreach over a list parameter takes. Every way of starting
// a run (the daemon's API and page, `sluice run --backend local`) gets it
// from RunDeclarations; a schedule's values are checked against the same
// limits when the pipeline compiles.
type RunSpec struct {
	// Parameters are the pipeline's declared parameters.
	Parameters map[string]dsl.Parameter
	// Items are the caps of the foreach over a list parameter that have
	// one, in step order.
	Items []ItemLimit
}

// ItemLimit is the most items a foreach over a list parameter takes: the
// cap its guard enforces at run time (guard.go), so that a run refused
// by CheckRun is exactly one the guard would fail.
type ItemLimit struct {
	// Parameter is the list parameter, Step the foreach's step.
	Parameter, Step string
	// Max is the most items; Declared says it is the foreach's own
	// maxItems rather than its share of the execution's history events.
	Max      int
	Declared bool
	// Distributed says the foreach runs its copies as child executions.
	Distributed bool
}

// RunDeclarations returns the RunSpec of the Pipeline named pipeline
// among in.Documents, as Compile computes it for in.Env (the project's
// defaults applied, the modes and caps decided by the budget), or nil
// when there is no such pipeline or its steps do not form a graph: the
// declarations are then unknown (CheckRun checks sizes only). Findings
// the pipeline has are not reported here; validate reports them.
func RunDeclarations(in Input, pipeline string) *RunSpec {
	if in.Project == nil {
		return nil
	}
	c := &compiler{in: in, project: in.Project.Name, stores: map[string]*storeInfo{}, computes: map[string]*computeInfo{}}
	if !c.decode(in.Project, &c.spec) {
		return nil
	}
	c.index()
	d := c.docs[dsl.KindPipeline][pipeline]
	if d == nil {
		return nil
	}
	shared, err := d.PipelineSpec(in.Env)
	if err != nil {
		return nil
	}
	// As pipeline() prepares a pipe, up to the guards and no further.
	p := &pipe{c: c, doc: d, name: d.Name, ok: true, retries: map[*dsl.Retry]rawJSON{}, paramsSize: -1}
	p.spec = *shared
	p.own = p.spec
	p.loc = &locator{doc: d, env: in.Env, steps: p.spec.Steps}
	p.applyDefaults(c.spec.Defaults)
	g, _ := graph.Build(&p.spec, p.loc.at)
	if g == nil {
		return nil
	}
	g.Name, p.g = d.Name, g
	p.checkBudget()
	p.computeGuards()
	return &RunSpec{Parameters: p.spec.Parameters, Items: p.itemLimits()}
}

// itemLimits are the caps of the guarded foreach over a parameter, in
// step order, from p.guards.
func (p *pipe) itemLimits() []ItemLimit {
	var out []ItemLimit
	for _, n := range p.g.Steps {
		limit, ok := p.guards[n]
		if !ok || n.Foreach.Parameter == "" {
			continue
		}
		_, declared := p.maxItems(n)
		out = append(out, ItemLimit{Parameter: n.Foreach.Parameter, Step: n.Name, Max: limit, Declared: declared,
			Distributed: p.mode(n) == dsl.ForeachDistributed})
	}
	return out
}

// itemProblems returns a problem per list in values (parameter values,
// by name) longer than a foreach over it takes.
func itemProblems(limits []ItemLimit, values map[string]any) []paramProblem {
	var out []paramProblem
	for _, l := range limits {
		list, ok := values[l.Parameter].([]any)
		if !ok || len(list) <= l.Max {
			continue
		}
		out = append(out, paramProblem{name: l.Parameter, message: fmt.Sprintf("parameter %q has %d items; %s", l.Parameter, len(list), l.takes())})
	}
	return out
}

// takes says what the foreach takes and what to do about a longer list.
func (l ItemLimit) takes() string {
	step := strconv.Quote(l.Step)
	switch {
	case l.Declared && l.Distributed:
		return fmt.Sprintf("the foreach of step %s takes at most %d (its maxItems): give fewer items, or raise maxItems", step, l.Max)
	case l.Declared:
		return fmt.Sprintf("the foreach of step %s takes at most %d (its maxItems): give fewer items, or raise maxItems "+
			"(past what fits inline, leave mode out for Sluice to run it distributed, or set mode: distributed)", step, l.Max)
	}
	return fmt.Sprintf("the foreach of step %s runs inline and takes at most %d, the copies that fit in the execution history's %d events: "+
		"give fewer items, or declare maxItems on the foreach (leaving mode out, Sluice then runs it distributed when it must) or set mode: distributed",
		step, l.Max, maxHistoryEvents)
}

// check is CheckRun with the declarations known: named are the values
// whose names, types and lengths are checked, sized all the run holds.
func (s *RunSpec) check(named, sized map[string]any) []string {
	out := CheckParameters(s.Parameters, named)
	for _, pr := range itemProblems(s.Items, named) {
		out = append(out, pr.message)
	}
	return append(out, CheckParameterSizes(s.Parameters, sized)...)
}

// CheckRunFrom checks the parameters of a run started from a step of
// another run (run --from STEP --origin RUN): the run takes the origin's
// parameters with given replacing those of the same names, so a required
// parameter the origin had is given, and every value the run will hold
// is checked (types, list lengths, sizes). A name the origin had that
// the pipeline no longer declares is left out of the name check (it is
// not the caller's mistake, and the state machine ignores it) but
// counted in the sizes. spec nil (declarations unknown) checks sizes
// only, as CheckRun does.
func CheckRunFrom(spec *RunSpec, origin, given map[string]any) []string {
	merged := make(map[string]any, len(origin)+len(given))
	for k, v := range origin {
		merged[k] = v
	}
	for k, v := range given {
		merged[k] = v
	}
	if spec == nil {
		return CheckParameterSizes(nil, merged)
	}
	named := map[string]any{}
	for k, v := range merged {
		_, declared := spec.Parameters[k]
		if _, own := given[k]; declared || own {
			named[k] = v
		}
	}
	return spec.check(named, merged)
}
