package compile

import (
	"github.com/sluice-dev/sluice"
)

// emit records a pipeline's resources, or none if the state machine
// cannot be built within Step Functions' limits.
func (p *pipe) emit() {
	def := p.definition()
	if !p.ok {
		return
	}
	p.c.scratch = writeJSON(p.c.scratch[:0], def)
	defJSON := p.c.scratch
	if size := len(defJSON) + p.c.revisionGrowth(defJSON); size > maxDefinitionBytes {
		p.failAt(p.loc.at(), "limit.definition-size",
			"pipeline %q compiles to a state machine definition of %d bytes; Step Functions allows %d: split it into smaller pipelines",
			p.name, size, maxDefinitionBytes)
		return
	}
	// The dependencies share the strings of the IDs they name (a daemon
	// keeps them between reconciles): a job definition's ID as emitted,
	// each queue's once.
	deps := []sluice.ResourceID{resourceID(sluice.TypeBucket, p.spec.ArtifactStore)}
	for _, jd := range p.defs {
		p.c.emit(p.jobDefResource(jd))
		deps = append(deps, p.c.out[len(p.c.out)-1].ID)
	}
	queues := map[string]sluice.ResourceID{}
	for _, n := range p.g.Steps {
		name := first(n.Step.Compute, p.spec.Compute)
		if _, ok := queues[name]; !ok {
			queues[name] = resourceID(sluice.TypeJobQueue, name)
		}
		deps = append(deps, queues[name])
	}
	phys := p.c.physical(ruleStateMachine(), p.name)
	sm := obj{{"name", phys}, {"type", "STANDARD"}, {"definition", rawJSON(defJSON)}, {"roleArn", PlaceholderStatesRole}}
	p.c.emit(draft{typ: sluice.TypeStateMachine, name: p.name, phys: phys, doc: p.doc, deps: deps, tags: p.tags, spec: sm})
	if p.spec.Schedule != nil {
		p.schedule()
	}
}

// schedule is the EventBridge Scheduler schedule (CreateSchedule shape)
// that starts the state machine with the scheduled parameters.
func (p *pipe) schedule() {
	s := p.spec.Schedule
	expr := "rate(" + s.Rate + ")"
	if s.Cron != "" {
		expr = "cron(" + s.Cron + ")"
	}
	state := "ENABLED"
	if s.Enabled != nil && !*s.Enabled {
		state = "DISABLED"
	}
	input := writeJSON(nil, obj{{"parameters", mapOrEmpty(s.Parameters)}})
	smID := resourceID(sluice.TypeStateMachine, p.name)
	phys := p.c.physical(ruleSchedule(), p.name)
	spec := obj{{"Name", phys}, {"ScheduleExpression", expr}, {"FlexibleTimeWindow", obj{{"Mode", "OFF"}}},
		{"State", state}, {"ActionAfterCompletion", "NONE"},
		{"Target", obj{{"Arn", ARNPlaceholder(smID)}, {"RoleArn", PlaceholderSchedulerRole}, {"Input", string(input)}}}}
	// Left out, the time zone is EventBridge Scheduler's default (UTC):
	// null, so that removing it resets it.
	spec.set("ScheduleExpressionTimezone", orNull(s.Timezone))
	p.c.emit(draft{typ: sluice.TypeSchedule, name: p.name, phys: phys, doc: p.doc, deps: []sluice.ResourceID{smID},
		tags: p.tags, spec: spec})
}

func mapOrEmpty(m map[string]any) any {
	if m == nil {
		return obj{}
	}
	return m
}
