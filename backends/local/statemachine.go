package local

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local/asl"
	"github.com/sluice-dev/sluice/reconcile"
)

// smSpec is what the local backend reads of a CreateStateMachine input.
type smSpec struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Definition json.RawMessage `json:"definition"`
}

func newStateMachines(w *World) *kind {
	return &kind{
		w: w, typ: sluice.TypeStateMachine,
		arnOf: func(t sluice.Target) string { return arn("states", "stateMachine:"+t.Name) },
		check: checkStateMachine,
		replace: func(old, desired json.RawMessage) bool {
			var o, d smSpec
			_ = json.Unmarshal(old, &o)
			_ = json.Unmarshal(desired, &d)
			return o.Type != d.Type
		},
		stored: addVersion,
	}
}

// checkStateMachine refuses (stalled) a spec whose definition, given as
// an object or as a string holding one, the ASL interpreter cannot
// parse; the error names the state and field at fault.
func checkStateMachine(t sluice.Target) error {
	var s smSpec
	if err := json.Unmarshal(t.Spec, &s); err != nil {
		return invalidSpec(t, err)
	}
	def, err := Definition(s.Definition)
	if err != nil {
		return invalidSpec(t, err)
	}
	if _, err := asl.Parse(def); err != nil {
		return invalidSpec(t, fmt.Errorf("definition: %w", err))
	}
	return nil
}

// Definition returns a state machine's definition as compact JSON text, whether
// the spec holds it as an object or as a string holding one. It fails
// when it is neither.
func Definition(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
		raw = json.RawMessage(text)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, raw); err != nil || len(raw) == 0 || raw[0] != '{' {
		return nil, errors.New("definition is not a JSON object")
	}
	return out.Bytes(), nil
}

// addVersion keeps each new definition as a version of the state
// machine, numbered from 1; the previous ones stay in the record.
func addVersion(r *record) {
	r.Status = statusActive
	var s smSpec
	_ = json.Unmarshal(r.Spec, &s)
	if n := len(r.Revisions); n > 0 && reconcile.SameJSON(r.Revisions[n-1].Spec, s.Definition) {
		return
	}
	n := len(r.Revisions) + 1
	r.Revisions = append(r.Revisions, revision{Number: n, ARN: fmt.Sprintf("%s:%d", r.ARN, n), Spec: s.Definition, Time: time.Now().UTC()})
}

// StateMachine is a stored state machine as a runner needs it.
type StateMachine struct {
	Name, ARN string
	// Definition is the current definition's JSON text.
	Definition json.RawMessage
	// Version counts the definitions the state machine has had.
	Version int
	// Tags are its ownership and user tags.
	Tags map[string]string
}

// StateMachine returns the state machine stored under name or ARN. It
// fails with a sluice.KindNotFound error when there is none.
func (w *World) StateMachine(nameOrARN string) (StateMachine, error) {
	name := lastPart(nameOrARN, ":")
	w.mu.Lock()
	r, err := w.read(sluice.TypeStateMachine, name)
	w.mu.Unlock()
	if err != nil {
		return StateMachine{}, err
	}
	if r == nil {
		return StateMachine{}, sluice.E("local.StateMachine", sluice.KindNotFound, fmt.Errorf("state machine %s does not exist", name))
	}
	var s smSpec
	_ = json.Unmarshal(r.Spec, &s)
	def, err := Definition(s.Definition)
	if err != nil {
		return StateMachine{}, sluice.E("local.StateMachine", sluice.KindInvalid, err)
	}
	return StateMachine{Name: r.Name, ARN: r.ARN, Definition: def, Version: len(r.Revisions), Tags: maps.Clone(r.Tags)}, nil
}
