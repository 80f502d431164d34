package reconcile

import "github.com/sluice-dev/sluice"

// NotApplicable is a desired resource the environment's backend does
// not manage, by the registry of types (sluice.TypeInfo.NotLocal): it is
// neither created nor counted as unchanged, and the plan says why.
type NotApplicable struct {
	ID     sluice.ResourceID `json:"id"`
	Reason string            `json:"reason"`
}

// notApplicable returns why r is not planned on the target in describes
// (the local backend, for a type the registry says it does not manage),
// and false when it is planned.
func (in PlanInput) notApplicable(r *sluice.Resource) (NotApplicable, bool) {
	if !in.Local {
		return NotApplicable{}, false
	}
	info, err := sluice.LookupType(r.Type)
	if err != nil || info.Local {
		return NotApplicable{}, false
	}
	return NotApplicable{ID: r.ID, Reason: info.NotLocal}, true
}
