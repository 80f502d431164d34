package sfnfake

import (
	"encoding/json"
	"strings"
)

// maxTransitions bounds the states one scope of a scripted run walks
// through, so a definition that loops through a Choice ends.
const maxTransitions = 1000

// event is one history event before it is numbered: prev is the event
// it follows in its own branch of the run.
type event struct {
	typ     string
	prev    *event
	key     string // the details field, e.g. "stateEnteredEventDetails"
	details map[string]any
	id      int64
}

// failure is an error that ends a branch of the run.
type failure struct {
	Error, Cause string
}

// scope is a list of states: the definition, a Map's ItemProcessor or
// Iterator, or a Parallel branch.
type scope struct {
	StartAt string               `json:"StartAt"`
	States  map[string]stateSpec `json:"States"`
}

// stateSpec is the part of a state the fake follows.
type stateSpec struct {
	Type          string  `json:"Type"`
	Next          string  `json:"Next"`
	Default       string  `json:"Default"`
	Resource      string  `json:"Resource"`
	Error         string  `json:"Error"`
	Cause         string  `json:"Cause"`
	Choices       []rule  `json:"Choices"`
	Branches      []scope `json:"Branches"`
	Iterator      *scope  `json:"Iterator"`
	ItemProcessor *struct {
		scope
		ProcessorConfig struct {
			Mode string `json:"Mode"`
		} `json:"ProcessorConfig"`
	} `json:"ItemProcessor"`
}

type rule struct {
	Next string `json:"Next"`
}

// script plays an Outcome over a definition.
type script struct {
	out    Outcome
	mapRun func(state string) string
}

// newEvent returns an event of typ following prev, its details under key.
func newEvent(typ string, prev *event, key string, details map[string]any) *event {
	return &event{typ: typ, prev: prev, key: key, details: details}
}

// run walks sc from its StartAt, the first event following prev, and
// returns the events of the walk and the failure that ended it, if any.
func (p *script) run(sc scope, prev *event) ([]*event, *failure) {
	var all []*event
	name := sc.StartAt
	for range maxTransitions {
		st, ok := sc.States[name]
		if !ok {
			return all, nil
		}
		evs, next, f := p.state(name, st, prev)
		all = append(all, evs...)
		if f != nil || next == "" {
			return all, f
		}
		prev, name = evs[len(evs)-1], next
	}
	return all, nil
}

// state plays one state and returns its events, the next state's name
// ("" at the end of the scope) and its failure.
func (p *script) state(name string, st stateSpec, prev *event) ([]*event, string, *failure) {
	switch st.Type {
	case "Task":
		evs, f := p.task(name, st, prev)
		return evs, st.Next, f
	case "Map":
		evs, f := p.mapState(name, st, prev)
		return evs, st.Next, f
	case "Parallel":
		evs, f := p.parallel(name, st, prev)
		return evs, st.Next, f
	case "Fail":
		e := newEvent("FailStateEntered", prev, "stateEnteredEventDetails", entered(name))
		return []*event{e}, "", &failure{Error: st.Error, Cause: st.Cause}
	case "Choice":
		evs := enterExit("Choice", name, prev)
		return evs, p.choose(name, st), nil
	case "Succeed":
		return enterExit("Succeed", name, prev), "", nil
	}
	typ := st.Type
	if typ != "Wait" {
		typ = "Pass"
	}
	return enterExit(typ, name, prev), st.Next, nil
}

func entered(name string) map[string]any { return map[string]any{"name": name, "input": "{}"} }

func exited(name string) map[string]any { return map[string]any{"name": name, "output": "{}"} }

// enterExit returns the two events of a state that does no work.
func enterExit(typ, name string, prev *event) []*event {
	in := newEvent(typ+"StateEntered", prev, "stateEnteredEventDetails", entered(name))
	return []*event{in, newEvent(typ+"StateExited", in, "stateExitedEventDetails", exited(name))}
}

func (p *script) choose(name string, st stateSpec) string {
	switch {
	case p.out.Choices[name] != "":
		return p.out.Choices[name]
	case st.Default != "":
		return st.Default
	case len(st.Choices) > 0:
		return st.Choices[0].Next
	}
	return ""
}

// task plays the scripted attempts of a Task state.
func (p *script) task(name string, st stateSpec, prev *event) ([]*event, *failure) {
	typ, res := splitResource(st.Resource)
	e := newEvent("TaskStateEntered", prev, "stateEnteredEventDetails", entered(name))
	evs := []*event{e}
	add := func(t, key string, d map[string]any) {
		d["resourceType"], d["resource"] = typ, res
		e = newEvent(t, e, key, d)
		evs = append(evs, e)
	}
	for _, a := range p.out.attempts(name) {
		add("TaskScheduled", "taskScheduledEventDetails", map[string]any{"region": "us-east-1", "parameters": "{}"})
		add("TaskStarted", "taskStartedEventDetails", map[string]any{})
		if strings.HasSuffix(res, ".sync") {
			add("TaskSubmitted", "taskSubmittedEventDetails", map[string]any{"output": "{}"})
		}
		switch a.Error {
		case "":
		case "States.Timeout":
			add("TaskTimedOut", "taskTimedOutEventDetails", map[string]any{"error": a.Error, "cause": a.Cause})
			continue
		default:
			add("TaskFailed", "taskFailedEventDetails", map[string]any{"error": a.Error, "cause": a.Cause})
			continue
		}
		out := a.Output
		if out == "" {
			out = "{}"
		}
		add("TaskSucceeded", "taskSucceededEventDetails", map[string]any{"output": out})
		return append(evs, newEvent("TaskStateExited", e, "stateExitedEventDetails", exited(name))), nil
	}
	last := p.out.attempts(name)
	return evs, &failure{Error: last[len(last)-1].Error, Cause: last[len(last)-1].Cause}
}

// splitResource splits a Task's Resource into the history's resource
// type and resource: arn:aws:states:::batch:submitJob.sync gives batch
// and submitJob.sync.
func splitResource(arn string) (string, string) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) == 7 && parts[2] == "states" {
		return parts[5], parts[6]
	}
	if len(parts) >= 3 {
		return parts[2], "invoke"
	}
	return "", arn
}

// definitionScope parses a definition into its top scope.
func definitionScope(definition string) scope {
	var sc scope
	_ = json.Unmarshal([]byte(definition), &sc)
	return sc
}
