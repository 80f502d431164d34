package main

import (
	"fmt"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// appliedChange is one change's outcome as apply -o json|yaml prints it.
type appliedChange struct {
	Action   reconcile.Action  `json:"action"`
	ID       sluice.ResourceID `json:"id"`
	Status   string            `json:"status"`
	Decision string            `json:"decision,omitempty"`
	Error    string            `json:"error,omitempty"`
	Note     string            `json:"note,omitempty"`
}

// applyDocument is what apply -o json|yaml prints: the plan it carried
// out and each change's outcome ("done", or "failed" with the retry
// decision: stalled, waiting or transient).
func applyDocument(env string, p reconcile.Plan, results []reconcile.Result) any {
	changes := []appliedChange{}
	for _, r := range results {
		if !r.Change.Action.Mutates() && r.Err == nil {
			continue
		}
		c := appliedChange{Action: r.Change.Action, ID: r.Change.ID, Status: "done", Note: r.Note}
		if r.Err != nil {
			decision, _ := sluice.RetryOf(r.Err)
			c.Status, c.Decision, c.Error = "failed", fmt.Sprint(decision), r.Err.Error()
		}
		changes = append(changes, c)
	}
	return struct {
		Plan    any             `json:"plan"`
		Results []appliedChange `json:"results"`
	}{planDocument(env, p), changes}
}

// keepCheckout, on the local backend, keeps a copy of the files just
// deployed: the environment's steps run from it, not from the working
// tree.
func (o *applyOptions) keepCheckout(g *globalOptions) error {
	if !o.be.local() || o.ref != "" {
		return nil
	}
	dst, err := o.be.checkoutDir(o.project, o.env)
	if err != nil {
		return err
	}
	data, err := o.be.dataDir(o.project)
	if err != nil {
		return err
	}
	return snapshotFiles(g.repo, dst, data)
}
