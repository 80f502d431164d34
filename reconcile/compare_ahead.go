package reconcile

import (
	"bytes"
	"encoding/json"
	"slices"

	"github.com/sluice-dev/sluice"
)

// specDrift is what an observed spec differs in from a record's
// baseline, compared before the plan asked (see CompareObserved).
type specDrift struct {
	observed, baseline json.RawMessage
	fields             []FieldDiff
}

// CompareObserved compares the spec of obs, what AWS reports of a, with
// a's baseline now and keeps the answer with a; a plan given an
// observation of a with the same spec, while a's baseline is still the
// same, uses it instead of comparing again, and makes the same plan
// either way. A drift check compares each resource as its observation
// arrives, in the gaps the read quotas leave, rather than all of them
// after the last read (at 1,000 pipelines, seconds of computing with no
// call in flight). Tags are compared by the plan, as they may be read
// after the spec. It keeps nothing for an observation without a spec
// (missing, or in progress). It must not run concurrently with another
// use of a.
func (a *Applied) CompareObserved(obs sluice.Observation) {
	if !obs.Exists || obs.InProgress || len(obs.Spec) == 0 {
		return
	}
	base := a.baseline()
	a.compared = &specDrift{observed: obs.Spec, baseline: base, fields: DiffSpecs(obs.Spec, base)}
}

// specDrift returns what observed differs in from a's baseline (see
// DiffSpecs): the answer CompareObserved kept when it was for the same
// observed spec and baseline, else the comparison made now. The slice
// is the caller's.
func (a *Applied) specDrift(observed json.RawMessage) []FieldDiff {
	base := a.baseline()
	if c := a.compared; c != nil && bytes.Equal(c.observed, observed) && bytes.Equal(c.baseline, base) {
		return slices.Clone(c.fields)
	}
	return DiffSpecs(observed, base)
}
