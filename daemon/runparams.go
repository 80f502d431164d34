package daemon

import (
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/reconcile"
)

// checkRunParameters refuses, before the run starts, parameters the
// pipeline does not take or that do not fit AWS's limits
// (compile.CheckRun: undeclared names, values of the wrong type,
// required parameters missing, a list longer than a foreach over it
// takes, the execution's input or the jobs' container overrides too
// large). A run from another run's step (from not nil) takes that run's
// parameters, those given replacing them, and is checked with them
// (compile.CheckRunFrom). The declarations are those of the revision the
// daemon has loaded, used only when the deployed state machine is the
// one compiled from it (same spec hash); otherwise they are unknown
// here, only the sizes of the values are checked, and the state machine
// itself still checks its required parameters and the lists' lengths.
func (w *envWorker) checkRunParameters(applied []reconcile.Applied, pipeline string, params map[string]any, from *origin) error {
	spec := w.runSpec(applied, pipeline)
	problems := compile.CheckRun(spec, params)
	if from != nil {
		problems = compile.CheckRunFrom(spec, from.params, params)
	}
	if len(problems) > 0 {
		return errBadRequest("the run was not started: " + strings.Join(problems, "; "))
	}
	return nil
}

// runSpec returns what a run of pipeline is checked against in the
// loaded revision (compile.RunDeclarations), or nil when that is not
// known: no revision is loaded, it does not declare the pipeline, or it
// is not what the deployed state machine was compiled from.
func (w *envWorker) runSpec(applied []reconcile.Applied, pipeline string) *compile.RunSpec {
	w.mu.Lock()
	desired := w.desired
	w.mu.Unlock()
	id := sluice.ResourceID(string(sluice.TypeStateMachine) + "/" + pipeline)
	if desired == nil || desired.Snapshot == nil || !sameHash(applied, desired.Resources, id) {
		return nil
	}
	snap := desired.Snapshot
	return compile.RunDeclarations(compile.Input{Project: snap.Project, Documents: snap.Documents, Env: desired.Env}, pipeline)
}

// sameHash reports whether the applied resource id has the spec hash of
// the desired one.
func sameHash(applied []reconcile.Applied, desired []sluice.Resource, id sluice.ResourceID) bool {
	for _, a := range applied {
		if a.ID != id {
			continue
		}
		for _, r := range desired {
			if r.ID == id {
				return r.Hash != "" && r.Hash == a.SpecHash
			}
		}
	}
	return false
}
