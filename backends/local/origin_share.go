package local

import (
	"encoding/json"
	"slices"
	"strings"
)

// StepGraph is a compiled pipeline's steps as far as starting a run at
// one of them goes (sluice run --from): the daemon plans such a run on
// AWS with the same graph the local backend uses.
type StepGraph struct{ g *stepGraph }

// ParseStepGraph reads a compiled state machine's definition (its ASL).
// It fails when def is not JSON.
func ParseStepGraph(def []byte) (*StepGraph, error) {
	g, err := parseStepGraph(def)
	if err != nil {
		return nil, err
	}
	return &StepGraph{g: g}, nil
}

// Steps are the pipeline's steps (its Batch job tasks), sorted.
func (s *StepGraph) Steps() []string { return slices.Clone(s.g.steps) }

// Before are the steps a run started from step reuses: every step that
// is not step and does not follow it.
func (s *StepGraph) Before(step string) []string { return s.g.before(step) }

// HasState reports whether the top level of the machine has a state of
// that name.
func (s *StepGraph) HasState(name string) bool {
	_, ok := s.g.states[name]
	return ok && s.g.parent[name] == ""
}

// TopLevel is the top-level step whose split or foreach holds step (a
// state of such a step is named STEP.split or STEP.foreach, and step
// names have no dots), or step itself when it is at the top level.
func (s *StepGraph) TopLevel(step string) string {
	top := step
	for p := s.g.parent[top]; p != ""; p = s.g.parent[top] {
		top = p
	}
	if i := strings.LastIndexByte(top, '.'); i > 0 {
		return top[:i]
	}
	return top
}

// OriginInput is the input of a run that reuses another run's steps:
// the origin's input with the "parameters" of override replacing the
// origin's of the same names. It fails when override is not JSON.
func OriginInput(origin, override json.RawMessage) (json.RawMessage, error) {
	return originInput(origin, override)
}

// ArtifactsPrefix is where a compiled definition's runs have their
// artifacts, s3://BUCKET/PIPELINE (each run's under /RUN); "" when def
// builds no such prefix.
func ArtifactsPrefix(def []byte) string {
	m := runsPrefix.FindSubmatch(def)
	if m == nil {
		return ""
	}
	return string(m[1])
}
