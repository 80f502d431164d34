package daemon

import (
	"time"

	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/reconcile"
)

// Sync states of an environment, as its status and metrics report them.
const (
	StateUnknown         = metrics.StateUnknown
	StateSynced          = metrics.StateSynced
	StateOutOfSync       = metrics.StateOutOfSync
	StateHolding         = metrics.StateHolding
	StateWaitingApproval = metrics.StateWaitingApproval
	StateSuspended       = metrics.StateSuspended
	StateRolledBack      = metrics.StateRolledBack
	StateFailed          = metrics.StateFailed
)

// Status is what the daemon reports of one environment.
type Status struct {
	Environment string `json:"environment"`
	Repository  string `json:"repository"`
	Branch      string `json:"branch"`
	Backend     string `json:"backend"`
	Sync        string `json:"sync"`
	// State is one of the State constants.
	State string `json:"state"`
	// Message says why the environment is in its state.
	Message string `json:"message,omitempty"`
	// Reason is the machine-readable word for the failure the state is
	// in, when the failure carries one (sluice.Reason: NotOwned,
	// PermissionDenied, ...); empty otherwise. It is not a metric label:
	// its values are the backends' to add to.
	Reason string `json:"reason,omitempty"`
	// Head is the branch head last seen on the remote.
	Head string `json:"head,omitempty"`
	// Applied is the revision last applied completely.
	Applied string `json:"applied,omitempty"`
	// Pinned is the revision a rollback holds the environment at.
	Pinned    string `json:"pinned,omitempty"`
	Suspended bool   `json:"suspended"`
	// Pending is the plan waiting for approval (sync: manual).
	Pending *PendingPlan `json:"pending,omitempty"`
	// Reconciled says whether a first reconcile has completed (or
	// reported why it could not).
	Reconciled  bool      `json:"reconciled"`
	LastAttempt time.Time `json:"lastAttempt,omitzero"`
	LastSuccess time.Time `json:"lastSuccess,omitzero"`
	Drifted     int       `json:"drifted"`
	Managed     int       `json:"managed"`
	// Held maps everything held at its last applied state because of a
	// finding to that finding ("file:line:col: code: message"): documents
	// (Kind/name), files that cannot be read or name a document without
	// a valid identity (their path), a broken project file, an empty
	// documents folder (its path with a trailing slash).
	Held      map[string]string `json:"held,omitempty"`
	Pipelines []Pipeline        `json:"pipelines,omitempty"`
	// Runs are the newest runs the daemon started in the environment.
	Runs []RunSummary `json:"runs,omitempty"`
}

// PendingPlan is a plan computed for a revision, waiting for approval.
type PendingPlan struct {
	Revision string         `json:"revision"`
	Plan     reconcile.Plan `json:"plan"`
	Computed time.Time      `json:"computed"`
	// Hash identifies the plan (rollout.PlanHash): approving applies
	// this plan and no other.
	Hash string `json:"hash"`
}

// Pipeline is one pipeline of an environment as last loaded.
type Pipeline struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Held   bool   `json:"held"`
	// Finding is why a held pipeline is held.
	Finding  string `json:"finding,omitempty"`
	Mermaid  string `json:"mermaid,omitempty"`
	Revision string `json:"revision,omitempty"`
}
