package local

import (
	"encoding/json"
	"fmt"
	"slices"
)

// aslScope is a state machine, or a branch or foreach body inside one,
// as far as the order of its states goes.
type aslScope struct {
	States map[string]aslState `json:"States"`
}

// aslState is what a state says of the states after it and inside it.
type aslState struct {
	Type     string `json:"Type"`
	Resource string `json:"Resource"`
	Next     string `json:"Next"`
	Default  string `json:"Default"`
	Choices  []struct {
		Next string `json:"Next"`
	} `json:"Choices"`
	Catch []struct {
		Next string `json:"Next"`
	} `json:"Catch"`
	Branches      []aslScope `json:"Branches"`
	Iterator      *aslScope  `json:"Iterator"`
	ItemProcessor *aslScope  `json:"ItemProcessor"`
}

// successors are the states of the same scope that may run right after s.
func (s aslState) successors() []string {
	out := []string{s.Next, s.Default}
	for _, c := range s.Choices {
		out = append(out, c.Next)
	}
	for _, c := range s.Catch {
		out = append(out, c.Next)
	}
	return slices.DeleteFunc(out, func(n string) bool { return n == "" })
}

// scopes are the branches and foreach body a state holds.
func (s aslState) scopes() []aslScope {
	out := slices.Clone(s.Branches)
	for _, sc := range []*aslScope{s.Iterator, s.ItemProcessor} {
		if sc != nil {
			out = append(out, *sc)
		}
	}
	return out
}

// stepGraph is a compiled pipeline's states, flattened: state names are
// unique in a state machine (Step Functions requires it).
type stepGraph struct {
	states map[string]aslState
	// parent is the state holding each nested state ("" at the top).
	parent map[string]string
	// steps are the Batch job tasks (the pipeline's steps), sorted.
	steps []string
}

// parseStepGraph reads the states of definition def.
func parseStepGraph(def []byte) (*stepGraph, error) {
	var top aslScope
	if err := json.Unmarshal(def, &top); err != nil {
		return nil, fmt.Errorf("state machine definition: %w", err)
	}
	g := &stepGraph{states: map[string]aslState{}, parent: map[string]string{}}
	g.add(top, "")
	slices.Sort(g.steps)
	return g, nil
}

func (g *stepGraph) add(sc aslScope, parent string) {
	for name, s := range sc.States {
		g.states[name], g.parent[name] = s, parent
		if s.Type == "Task" && (s.Resource == ResourceSubmitJobSync || s.Resource == ResourceSubmitJob) {
			g.steps = append(g.steps, name)
		}
		for _, inner := range s.scopes() {
			g.add(inner, name)
		}
	}
}

// descendants are step and every state that may run after it in the
// same run: its successors, what they hold, and, for each branch or
// foreach body that holds step, what follows that branch or body.
func (g *stepGraph) descendants(step string) map[string]bool {
	seen := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		s := g.states[n]
		for _, next := range s.successors() {
			visit(next)
		}
		for _, inner := range s.scopes() {
			for name := range inner.States {
				visit(name)
			}
		}
	}
	visit(step)
	for c := g.parent[step]; c != ""; c = g.parent[c] {
		for _, next := range g.states[c].successors() {
			visit(next)
		}
	}
	return seen
}

// before are the steps a run started from step reuses: every step that
// is not step and does not follow it.
func (g *stepGraph) before(step string) []string {
	after := g.descendants(step)
	var out []string
	for _, s := range g.steps {
		if !after[s] {
			out = append(out, s)
		}
	}
	return out
}
