package metrics

// Results of one reconcile, the result label of sluice_reconcile_total and
// sluice_reconcile_duration_seconds.
const (
	// ReconcileApplied: the plan had changes and they were applied.
	ReconcileApplied = "applied"
	// ReconcileUnchanged: the plan was empty.
	ReconcileUnchanged = "unchanged"
	// ReconcileFailed: the reconcile ended with an error.
	ReconcileFailed = "failed"
	// ReconcileHeld: nothing was applied because of findings or holds.
	ReconcileHeld = "held"
	// ReconcileWaitingApproval: the plan waits for "sluice approve".
	ReconcileWaitingApproval = "waiting_approval"
)

// Actions of one operation on a resource, the action label of
// sluice_operations_total.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionReplace = "replace"
	ActionDelete  = "delete"
	ActionAdopt   = "adopt"
)

// Results of one operation on a resource, the result label of
// sluice_operations_total.
const (
	OperationSucceeded = "succeeded"
	OperationFailed    = "failed"
	OperationWaiting   = "waiting"
)

// Sync states of an environment, the sync_state label of
// sluice_environment_info.
const (
	StateSynced    = "synced"
	StateOutOfSync = "out_of_sync"
	// StateHolding: applied as far as the findings allow; some files or
	// documents are held at their last applied state until fixed.
	StateHolding         = "holding"
	StateWaitingApproval = "waiting_approval"
	StateSuspended       = "suspended"
	StateRolledBack      = "rolled_back"
	StateFailed          = "failed"
	StateUnknown         = "unknown"
)

// Results of one Git fetch, the result label of sluice_git_fetch_total.
const (
	FetchSucceeded = "succeeded"
	FetchFailed    = "failed"
)

// Results of one poll of a repository, the result label of
// sluice_git_polls_total.
const (
	PollUnchanged = "unchanged"
	PollChanged   = "changed"
	PollFailed    = "failed"
)

// Results of one webhook request, the result label of
// sluice_webhook_requests_total.
const (
	WebhookAccepted      = "accepted"
	WebhookIgnored       = "ignored"
	WebhookUnauthorized  = "unauthorized"
	WebhookReplayed      = "replayed"
	WebhookRateLimited   = "rate_limited"
	WebhookTooLarge      = "too_large"
	WebhookBadRequest    = "bad_request"
	WebhookUnknownSource = "unknown_source"
)
