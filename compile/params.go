package compile

import "strings"

// parameterDefaults is the object of the declared parameters' defaults,
// the base the execution input is merged over.
func (p *pipe) parameterDefaults() obj {
	defaults := obj{}
	for _, name := range sortedKeys(p.spec.Parameters) {
		if d := p.spec.Parameters[name].Default; d != nil {
			defaults.set(name, d)
		}
	}
	return defaults
}

// requiredParameters lists, sorted, the parameters a run must be given:
// required and without a default.
func (p *pipe) requiredParameters() []string {
	var out []string
	for _, name := range sortedKeys(p.spec.Parameters) {
		if prm := p.spec.Parameters[name]; prm.Required && prm.Default == nil {
			out = append(out, name)
		}
	}
	return out
}

// defaultsSize is the length of the parameters' defaults as JSON inside a
// JSON string (quotes escaped), the least SLUICE_PARAMETERS takes.
func (p *pipe) defaultsSize() int {
	if p.paramsSize < 0 {
		b := writeJSON(nil, p.parameterDefaults())
		p.paramsSize = len(b) + strings.Count(string(b), `"`)
	}
	return p.paramsSize
}

// checkParameters checks that the defaults fit in an execution's input and
// that a schedule gives every required parameter.
func (p *pipe) checkParameters() {
	size := len(writeJSON(nil, p.parameterDefaults()))
	if s := p.spec.Schedule; s != nil {
		size += len(writeJSON(nil, s.Parameters))
	}
	if size > maxPayloadBytes {
		p.failAt(p.loc.at("parameters"), "limit.payload",
			"the parameters' defaults (and scheduled values) take %d bytes; a Step Functions execution's input is limited to %d",
			size, maxPayloadBytes)
	}
	if s := p.spec.Schedule; s != nil {
		// The checks a run started by hand gets, before it starts.
		for _, pr := range parameterProblems(p.spec.Parameters, s.Parameters) {
			if pr.missing {
				p.failAt(p.loc.at("schedule"), "schedule.parameters",
					"the schedule starts the pipeline without its required parameter %q, so every scheduled run would fail: set schedule.parameters.%s or give the parameter a default",
					pr.name, pr.name)
				continue
			}
			p.failAt(p.loc.at("schedule", "parameters", pr.name), "schedule.parameters", "the schedule's %s", pr.message)
		}
	}
}
