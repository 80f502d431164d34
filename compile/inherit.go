package compile

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// A step's setting comes from the step, its pipeline, the project's
// defaults or Sluice itself. A finding about a value a step inherits is
// one mistake, made where the value was written: it is located there,
// worded for whoever wrote it and reported once (failOnce), however many
// steps inherit it.

// origin is where a step's setting was written, least specific first.
type origin int

const (
	fromSluice   origin = iota // Sluice's own default
	fromDefaults               // the project's defaults
	fromPipeline               // the pipeline's spec
	fromStep                   // the step itself
)

// resourceOrigin returns where the resources field a step gets was
// written.
func (p *pipe) resourceOrigin(n *graph.Node, field string) origin {
	switch {
	case setsResource(n.Step.Resources, field):
		return fromStep
	case setsResource(p.own.Resources, field):
		return fromPipeline
	case p.c.in.Project.Has("spec", "defaults", "resources", field):
		return fromDefaults
	}
	return fromSluice
}

// resourcesOf names, as the subject of a finding, the resources a step
// gets field from: `the resources of step "a"`, of its pipeline, or the
// project's default resources.
func (p *pipe) resourcesOf(n *graph.Node, field string) string {
	switch p.resourceOrigin(n, field) {
	case fromPipeline:
		return fmt.Sprintf("the resources of pipeline %q", p.name)
	case fromDefaults:
		return "the default resources in " + dsl.ProjectFile
	}
	return fmt.Sprintf("the resources of step %q", n.Name)
}

// timeoutOf names the timeout a step gets, as resourcesOf does.
func (p *pipe) timeoutOf(n *graph.Node) string {
	switch {
	case n.Step.Timeout != "":
		return fmt.Sprintf("the timeout of step %q", n.Name)
	case p.own.Timeout != "":
		return fmt.Sprintf("the timeout of pipeline %q", p.name)
	}
	return "defaults.timeout in " + dsl.ProjectFile
}

// fargatePos locates the size of a Fargate container that Fargate does
// not offer: the memory when it was written at least as close to the
// step as the cpu, else the cpu (the value to change for that size).
func (p *pipe) fargatePos(n *graph.Node) (sluice.Position, string) {
	cpu, mem := p.resourceOrigin(n, "cpu"), p.resourceOrigin(n, "memory")
	if mem != fromSluice && mem >= cpu {
		return p.resourcePos(n, "memory"), "memory"
	}
	return p.resourcePos(n, "cpu"), "cpu"
}

// fargateSizes lists the vCPU and memory combinations Fargate offers.
func fargateSizes() string {
	var b strings.Builder
	for i, cpu := range []float64{0.25, 0.5, 1, 2, 4, 8, 16} {
		unit := ""
		if i == 0 {
			unit = " vCPU"
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%g%s with %s", cpu, unit, fargateRange(cpu))
	}
	return b.String()
}

// secretPos locates the secret key a step gets: on the step when it sets
// it, else on the pipeline.
func (p *pipe) secretPos(n *graph.Node, key string) sluice.Position {
	if _, own := n.Step.Secrets[key]; own {
		return p.stepPos(n, "secrets", key)
	}
	return p.loc.at("secrets", key)
}

// volumePos locates a field of the volume called name a step gets: on
// the step when it declares that volume, else on the pipeline.
func (p *pipe) volumePos(n *graph.Node, name, field string) sluice.Position {
	for i, v := range n.Step.Volumes {
		if v.Name == name {
			return p.stepPos(n, "volumes", strconv.Itoa(i), field)
		}
	}
	for i, v := range p.own.Volumes {
		if v.Name == name {
			return p.loc.at("volumes", strconv.Itoa(i), field)
		}
	}
	return p.stepPos(n)
}

// noImage reports, once for the pipeline, the steps that get no image
// from anywhere: the image missing from the pipeline and the defaults is
// one mistake, located at the first such step.
func (p *pipe) noImage() {
	var names []string
	var first *graph.Node
	for _, n := range p.g.Steps {
		if n.Step.Image == "" {
			names = append(names, strconv.Quote(n.Name))
			if first == nil {
				first = n
			}
		}
	}
	if first == nil {
		return
	}
	subject := fmt.Sprintf("step %s has", names[0])
	if len(names) > 1 {
		subject = fmt.Sprintf("steps %s have", strings.Join(names, ", "))
	}
	p.failOnce(p.stepPos(first), "pipeline.image", "%s no image: set image on the pipeline (or defaults.image in %s), or on each step",
		subject, dsl.ProjectFile)
}

// paramsOverOverrides reports, once at the parameters, defaults that
// alone exceed Batch's container overrides (every step's
// SLUICE_PARAMETERS holds them), and returns whether they do.
func (p *pipe) paramsOverOverrides() bool {
	size := p.defaultsSize()
	if size <= maxOverrides {
		return false
	}
	p.failOnce(p.loc.at("parameters"), "limit.container-overrides",
		"the parameters' defaults take about %d bytes of every step's container overrides (SLUICE_PARAMETERS); Batch allows %d in all: shorten the defaults, or pass large values as a file in the artifact store",
		size, maxOverrides)
	return true
}
