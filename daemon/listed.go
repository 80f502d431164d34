package daemon

import (
	"time"

	"github.com/sluice-dev/sluice/reconcile"
)

// listedStatus is an environment as GET /api/v1/environments lists it:
// its status without its pipelines and without its pending plan's
// changes, which GET /api/v1/environments/ENV/pipelines and .../plan
// serve. A full status of 1,000 pipelines is megabytes (a drawing per
// pipeline, a first plan of 19,000 creates), and the list is what
// dashboards and `sluice status` poll: every environment's full status
// in every answer made each poll during a reconcile encode tens of
// megabytes.
type listedStatus struct {
	Status
	Pending   *pendingSummary `json:"pending,omitempty"`
	Pipelines []Pipeline      `json:"pipelines,omitempty"`
}

// pendingSummary is a pending plan as the list gives it: what names it
// (the revision and hash `sluice approve` takes) and how many changes of
// each action it holds.
type pendingSummary struct {
	Revision  string                   `json:"revision"`
	Hash      string                   `json:"hash"`
	Computed  time.Time                `json:"computed"`
	Counts    map[reconcile.Action]int `json:"counts"`
	Unchanged int                      `json:"unchanged"`
}

// listed returns statuses as the environment list gives them.
func listed(statuses []Status) []listedStatus {
	out := make([]listedStatus, len(statuses))
	for i, s := range statuses {
		out[i].Status = s
		if p := s.Pending; p != nil {
			counts := map[reconcile.Action]int{}
			for _, c := range p.Plan.Changes {
				counts[c.Action]++
			}
			out[i].Pending = &pendingSummary{Revision: p.Revision, Hash: p.Hash, Computed: p.Computed, Counts: counts,
				Unchanged: p.Plan.Unchanged}
		}
	}
	return out
}
