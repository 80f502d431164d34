package rollout

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice/reconcile"
)

// PlanHash identifies a plan for an approval: the SHA-256 of the
// revision and of every change (its resource, action, reason, drift,
// ordering and fields, and the spec hashes it moves from and to). Two
// plans with the same hash change AWS the same way.
func PlanHash(revision string, p reconcile.Plan) string {
	h := sha256.New()
	h.Write([]byte(revision))
	for _, c := range p.Changes {
		h.Write([]byte{0})
		data, _ := json.Marshal(c) // a Change always marshals
		h.Write(data)
		if c.Desired != nil {
			h.Write([]byte("\x00desired=" + c.Desired.Hash))
		}
		if c.Applied != nil {
			h.Write([]byte("\x00applied=" + c.Applied.SpecHash))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrPlanChanged is returned (wrapped in a *PlanChangedError) by Apply
// with Expect when the plan made now is not the one expected.
var ErrPlanChanged = errors.New("the plan changed since it was approved")

// PlanChangedError says that the plan an apply would carry out is not
// the approved one; Planned is the plan made now, not applied.
type PlanChangedError struct {
	Want, Got string
	Planned   *Planned
}

func (e *PlanChangedError) Error() string {
	c := e.Planned.Plan.Counts()
	return fmt.Sprintf("%v (approved plan %.12s, plan now %.12s: %d to create, %d to update, %d to delete): nothing applied; review the new plan and approve it",
		ErrPlanChanged, e.Want, e.Got, c[reconcile.ActionCreate], c[reconcile.ActionUpdate]+c[reconcile.ActionReplace], c[reconcile.ActionDelete])
}

// Unwrap makes errors.Is(err, ErrPlanChanged) hold.
func (e *PlanChangedError) Unwrap() error { return ErrPlanChanged }

// check returns a *PlanChangedError when p is not the expected plan.
func (o applyOptions) check(p *Planned) error {
	if o.expect == "" {
		return nil
	}
	if got := PlanHash(p.Desired.Revision, p.Plan); got != o.expect {
		return &PlanChangedError{Want: o.expect, Got: got, Planned: p}
	}
	return nil
}
