package daemon

import (
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/reconcile"
)

// checkRunParameters refuses, before the run starts, parameters the
// pipeline does not take or that do not fit AWS's limits
// (compile.CheckRun: undeclared names, values of the wrong type,
// required parameters missing, the execution's input or the jobs'
// container overrides too large). The declarations are those of the
// revision the daemon has loaded, used only when the deployed state
// machine is the one compiled from it (same spec hash); otherwise they
// are unknown here, only the sizes of the given values are checked, and
// the state machine itself still checks its required parameters.
func (w *envWorker) checkRunParameters(applied []reconcile.Applied, pipeline string, params map[string]any) error {
	declared, known := w.declaredParameters(applied, pipeline)
	if problems := compile.CheckRun(declared, known, params); len(problems) > 0 {
		return errBadRequest("the run was not started: " + strings.Join(problems, "; "))
	}
	return nil
}

// declaredParameters returns the parameters pipeline declares in the
// loaded revision, and whether they are known: the revision is loaded,
// declares the pipeline, and is what the deployed state machine was
// compiled from.
func (w *envWorker) declaredParameters(applied []reconcile.Applied, pipeline string) (map[string]dsl.Parameter, bool) {
	w.mu.Lock()
	desired := w.desired
	w.mu.Unlock()
	id := sluice.ResourceID(string(sluice.TypeStateMachine) + "/" + pipeline)
	if desired == nil || desired.Snapshot == nil || !sameHash(applied, desired.Resources, id) {
		return nil, false
	}
	return compile.DeclaredParameters(desired.Snapshot.Documents, pipeline, w.cfg.Name)
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
