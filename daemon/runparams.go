package daemon

import (
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/reconcile"
)

// checkRunParameters refuses, before the run starts, parameters the
// pipeline does not take: undeclared names, values of the wrong type,
// required parameters missing (compile.CheckParameters, the checks
// validate makes of a schedule's parameters). It checks against the
// revision the daemon has loaded, and only when the deployed state
// machine is the one compiled from it (same spec hash); otherwise the
// deployed declarations are unknown here and the run starts unchecked,
// its required parameters still checked by the state machine itself.
// Whatever the revision, parameters too large for the execution's input
// or for the jobs' container overrides are refused
// (compile.CheckParameterSizes), the defaults counted when the
// declarations are known.
func (w *envWorker) checkRunParameters(applied []reconcile.Applied, pipeline string, params map[string]any) error {
	if err := w.checkRunParameterSizes(applied, pipeline, params); err != nil {
		return err
	}
	w.mu.Lock()
	desired := w.desired
	w.mu.Unlock()
	if desired == nil || desired.Snapshot == nil {
		return nil
	}
	id := sluice.ResourceID(string(sluice.TypeStateMachine) + "/" + pipeline)
	if !sameHash(applied, desired.Resources, id) {
		return nil
	}
	for _, d := range desired.Snapshot.Documents {
		if d.Kind != dsl.KindPipeline || d.Name != pipeline {
			continue
		}
		spec, err := d.PipelineSpec(w.cfg.Name)
		if err != nil {
			return nil
		}
		if problems := compile.CheckParameters(spec.Parameters, params); len(problems) > 0 {
			return errBadRequest("the run was not started: " + strings.Join(problems, "; "))
		}
		return nil
	}
	return nil
}

// checkRunParameterSizes refuses parameters that exceed the limits of
// compile.CheckParameterSizes, the declared defaults merged in when the
// deployed state machine is the one compiled from the loaded revision.
func (w *envWorker) checkRunParameterSizes(applied []reconcile.Applied, pipeline string, params map[string]any) error {
	var declared map[string]dsl.Parameter
	w.mu.Lock()
	desired := w.desired
	w.mu.Unlock()
	id := sluice.ResourceID(string(sluice.TypeStateMachine) + "/" + pipeline)
	if desired != nil && desired.Snapshot != nil && sameHash(applied, desired.Resources, id) {
		for _, d := range desired.Snapshot.Documents {
			if d.Kind != dsl.KindPipeline || d.Name != pipeline {
				continue
			}
			if spec, err := d.PipelineSpec(w.cfg.Name); err == nil {
				declared = spec.Parameters
			}
		}
	}
	if problems := compile.CheckParameterSizes(declared, params); len(problems) > 0 {
		return errBadRequest("the run was not started: " + strings.Join(problems, "; "))
	}
	return nil
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
