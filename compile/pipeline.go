package compile

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// pipe is one Pipeline being compiled.
type pipe struct {
	c     *compiler
	doc   *dsl.Document
	name  string
	spec  dsl.PipelineSpec // with the project defaults filled in
	own   dsl.PipelineSpec // as written, to tell own values from defaults
	loc   *locator
	g     *graph.Graph
	store *storeInfo
	tags  map[string]string
	steps map[*graph.Node]*stepConf
	defs  []*jobDef
	ok    bool
	// retries caches the encoded Retry field per retry setting.
	retries map[*dsl.Retry]rawJSON
	// paramsSize caches defaultsSize.
	paramsSize int
	// cases holds each switch's cases, typed, in the order of its Cases.
	cases map[*graph.Node][]caseValue
	// targets are the steps a Catch hands an error to.
	targets map[*graph.Node]bool
	// reported holds the findings failOnce recorded, by place and code.
	reported map[string]bool
	// modes holds the mode the budget picked for a foreach that leaves
	// its mode out (budget.go); the others run as written.
	modes map[*graph.Node]string
	// guards holds the most items each guarded inline foreach takes at
	// run time (guard.go).
	guards map[*graph.Node]int
}

// pipeline compiles a Pipeline into its job definitions, its state
// machine and its schedule. A finding anywhere in the pipeline leaves it
// out entirely: half a pipeline is never deployed.
func (c *compiler) pipeline(d *dsl.Document) {
	p := &pipe{c: c, doc: d, name: d.Name, ok: true, retries: map[*dsl.Retry]rawJSON{}, paramsSize: -1}
	c.arena = c.arena[:0]
	shared, err := d.PipelineSpec(c.in.Env)
	if err != nil {
		c.fail(d, d.LocateIn(c.in.Env, false, "spec"), "compile.decode", "cannot read the spec of %s: %v", d.ID(), err)
		return
	}
	// A shallow copy: applyDefaults replaces top-level fields only, and
	// the decoded spec is shared with every other reader of the document.
	p.spec = *shared
	p.own = p.spec
	p.loc = &locator{doc: d, env: c.in.Env, steps: p.spec.Steps}
	p.applyDefaults(c.spec.Defaults)
	g, diags := graph.Build(&p.spec, p.loc.at)
	diags = graph.OverrideTypos(d, c.in.Env, &p.spec, p.loc.at, diags)
	for _, diag := range diags {
		diag.Document, diag.Env = d.ID(), c.in.Env
		c.diags = append(c.diags, diag)
	}
	if g == nil {
		return
	}
	g.Name, p.g = d.Name, g
	p.store = p.artifactStore()
	var tagsOK bool
	p.tags, tagsOK = c.userTags(d, p.spec.Tags)
	p.ok = p.ok && tagsOK
	p.steps = make(map[*graph.Node]*stepConf, len(g.Steps))
	for _, n := range g.Steps {
		p.steps[n] = p.configure(n)
	}
	p.checkParameters()
	p.checkTimeouts()
	p.checkTimeZone()
	p.cases = p.switchCases()
	p.targets = p.failureTargets()
	p.checkBudget()
	p.computeGuards()
	if !p.ok {
		return
	}
	p.jobDefinitions()
	p.emit()
}

// failAt records a finding that keeps the pipeline from being deployed.
func (p *pipe) failAt(pos sluice.Position, code, format string, args ...any) {
	p.ok = false
	p.c.fail(p.doc, pos, code, format, args...)
}

// applyDefaults fills what the pipeline leaves unset from the project's
// defaults. Resources merge field by field and env key by key; a retry
// the pipeline sets replaces the default one.
func (p *pipe) applyDefaults(d dsl.Defaults) {
	s := &p.spec
	s.Image = first(s.Image, d.Image)
	s.ArtifactStore = first(s.ArtifactStore, d.ArtifactStore)
	s.Compute = first(s.Compute, d.Compute)
	s.JobRole = first(s.JobRole, d.JobRole)
	s.Timeout = first(s.Timeout, d.Timeout)
	s.RunTimeout = first(s.RunTimeout, d.RunTimeout)
	s.Resources = mergeResources(d.Resources, s.Resources)
	if s.Retry == nil {
		s.Retry = d.Retry
	}
	s.Env = mergeMaps(d.Env, s.Env)
}

// fieldPos locates a pipeline-level field: in the pipeline when it sets
// the field, else in the project's defaults.
func (p *pipe) fieldPos(field, own string) sluice.Position {
	if own != "" {
		return p.loc.at(field)
	}
	if p.c.in.Project.Has("spec", "defaults", field) {
		return p.c.in.Project.LocateIn(p.c.in.Env, false, "spec", "defaults", field)
	}
	return p.loc.at()
}

func (p *pipe) artifactStore() *storeInfo {
	name := p.spec.ArtifactStore
	pos := func() sluice.Position { return p.fieldPos("artifactStore", p.own.ArtifactStore) }
	if name == "" {
		p.failAt(pos(), "ref.missing", "pipeline %q names no artifactStore: set spec.artifactStore, or defaults.artifactStore in %s",
			p.name, dsl.ProjectFile)
		return nil
	}
	s := p.c.store(name)
	switch {
	case s == nil:
		known := sortedKeys(p.c.docs[dsl.KindArtifactStore])
		p.failAt(pos(), "ref.unknown", "pipeline %q uses ArtifactStore %q, which is not among the valid documents%s",
			p.name, name, dsl.DidYouMean(name, known))
	case !s.ok:
		p.ok = false // the store's own finding says why
	}
	return s
}

// computeRef resolves the ComputeEnvironment a step runs on; pos locates
// the reference when it is wrong.
func (p *pipe) computeRef(name string, pos func() sluice.Position) *computeInfo {
	if name == "" {
		p.failAt(pos(), "ref.missing", "pipeline %q names no compute: set spec.compute, or defaults.compute in %s",
			p.name, dsl.ProjectFile)
		return nil
	}
	ci := p.c.compute(name)
	switch {
	case ci == nil:
		known := sortedKeys(p.c.docs[dsl.KindComputeEnvironment])
		p.failAt(pos(), "ref.unknown", "pipeline %q uses ComputeEnvironment %q, which is not among the valid documents%s",
			p.name, name, dsl.DidYouMean(name, known))
		return nil
	case !ci.ok:
		p.ok = false
		return nil
	}
	return ci
}

func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// mergeResources returns base with every field over sets overriding it.
func mergeResources(base, over *dsl.Resources) *dsl.Resources {
	if base == nil {
		return over
	}
	out := *base
	if over != nil {
		if over.CPU != 0 {
			out.CPU = over.CPU
		}
		if over.Memory != 0 {
			out.Memory = over.Memory
		}
		if over.GPU != 0 {
			out.GPU = over.GPU
		}
		if over.SharedMemory != 0 {
			out.SharedMemory = over.SharedMemory
		}
	}
	return &out
}

// mergeMaps returns base with over's keys set on top; nil when both are
// empty.
func mergeMaps(base, over map[string]string) map[string]string {
	if len(base) == 0 {
		return over
	}
	if len(over) == 0 {
		return base
	}
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// mergeVolumes returns base with the volumes of over replacing those of
// the same name and the others appended.
func mergeVolumes(base, over []dsl.Volume) []dsl.Volume {
	if len(over) == 0 {
		return base
	}
	out := append([]dsl.Volume(nil), base...)
	for _, v := range over {
		replaced := false
		for i := range out {
			if out[i].Name == v.Name {
				out[i], replaced = v, true
			}
		}
		if !replaced {
			out = append(out, v)
		}
	}
	return out
}
