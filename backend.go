package sluice

import (
	"encoding/json"
	"errors"
	"time"
)

// Target is a desired resource as a backend receives it: its spec with
// every placeholder resolved (${aws.region}, ${StateMachine/x.arn}, ...)
// and the identity the state store remembers for it.
type Target struct {
	Resource
	// ARN is the identity recorded when the resource was created (an ARN,
	// or the name for services whose key is the name), "" when Sluice has
	// never created it.
	ARN string
}

// Observation is what a backend reads back of one resource.
type Observation struct {
	// Exists is false when the service has no such resource.
	Exists bool `json:"exists"`
	// ARN is the resource's identity as the service reports it.
	ARN string `json:"arn,omitempty"`
	// Tags are the resource's tags, aws: keys left out.
	Tags map[string]string `json:"tags,omitempty"`
	// Spec is the observed configuration in the shape of the desired
	// spec, restricted to the fields the desired spec sets (so server
	// defaults are not drift), normalised as the desired spec is.
	Spec json.RawMessage `json:"spec,omitempty"`
	// Status is the service's own word for the resource's state
	// (ACTIVE, VALID, available, ...).
	Status string `json:"status,omitempty"`
	// InProgress is true while the resource is in a transitional state
	// (creating, updating, modifying, deleting): nothing may be sent to
	// it until it settles.
	InProgress bool `json:"inProgress,omitempty"`
}

// OwnershipTags returns the ownership tags of resource id in project and
// env whose spec hash is specHash: what Owned checks, and the hash.
func OwnershipTags(project, env string, id ResourceID, specHash string) map[string]string {
	return map[string]string{TagManagedBy: ManagedByValue, TagProject: project, TagEnvironment: env,
		TagResource: string(id), TagSpecHash: specHash}
}

// Owned reports whether the observation carries Sluice's ownership tags
// for project, environment and resource id.
func (o Observation) Owned(project, env string, id ResourceID) bool {
	return o.Tags[TagManagedBy] == ManagedByValue && o.Tags[TagProject] == project &&
		o.Tags[TagEnvironment] == env && o.Tags[TagResource] == string(id)
}

// Retry says what the reconciler should do after an operation failed.
type Retry int

// Retry decisions, carried by *RetryError.
const (
	// RetryTransient: a passing failure (throttling the SDK gave up on,
	// a 5xx, a network error): back off and try again.
	RetryTransient Retry = iota
	// RetryWaiting: the resource is busy (creating, modifying, deleting);
	// try again after the given delay, this is progress, not failure.
	RetryWaiting
	// RetryStalled: a person must act (invalid input AWS refused, missing
	// permission, a name taken by a resource Sluice does not own); do not
	// retry until the desired state changes.
	RetryStalled
)

func (r Retry) String() string {
	switch r {
	case RetryWaiting:
		return "waiting"
	case RetryStalled:
		return "stalled"
	default:
		return "transient"
	}
}

// Reason is a machine-readable word for why an operation stalled, waits
// or will be retried (as Flux's Stalling condition carries one), for
// status, metrics and alerts to act on without reading the message.
type Reason string

// Reasons a *RetryError carries.
const (
	ReasonNone             Reason = ""
	ReasonPermissionDenied Reason = "PermissionDenied"
	ReasonInvalid          Reason = "Invalid"
	ReasonConflict         Reason = "Conflict"
	ReasonQuotaExceeded    Reason = "QuotaExceeded"
	ReasonNotFound         Reason = "NotFound"
	ReasonThrottled        Reason = "Throttled"
	ReasonServiceError     Reason = "ServiceError"
	ReasonInProgress       Reason = "InProgress"
	// ReasonNotOwned: the resource Sluice recorded no longer carries its
	// ownership tags; `sluice adopt` (or removing it from the documents)
	// is the way out.
	ReasonNotOwned Reason = "NotOwned"
)

// RetryError is an error that says whether and when to retry.
type RetryError struct {
	Decision Retry
	// After is the delay before the next attempt, for RetryWaiting.
	After time.Duration
	// Reason says why, in one machine-readable word; ReasonNone when the
	// error was built without one.
	Reason Reason
	Err    error
}

// Error returns the cause's message; the decision is for the caller to
// act on (and to print, once).
func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *RetryError) Unwrap() error { return e.Err }

// Waiting wraps err as a RetryWaiting error to retry after d.
func Waiting(d time.Duration, err error) error {
	return &RetryError{Decision: RetryWaiting, After: d, Err: err}
}

// Stalled wraps err as a RetryStalled error.
func Stalled(err error) error { return &RetryError{Decision: RetryStalled, Err: err} }

// Transient wraps err as a RetryTransient error.
func Transient(err error) error { return &RetryError{Decision: RetryTransient, Err: err} }

// Because returns err as a RetryError with the decision d, the reason and
// (for RetryWaiting) the delay after.
func Because(d Retry, reason Reason, after time.Duration, err error) error {
	return &RetryError{Decision: d, Reason: reason, After: after, Err: err}
}

// ReasonOf returns the reason err's RetryError carries, ReasonNone when it
// carries none.
func ReasonOf(err error) Reason {
	var re *RetryError
	if errors.As(err, &re) {
		return re.Reason
	}
	return ReasonNone
}

// RetryOf returns the retry decision err carries, RetryTransient when it
// carries none.
func RetryOf(err error) (Retry, time.Duration) {
	var re *RetryError
	if errors.As(err, &re) {
		return re.Decision, re.After
	}
	return RetryTransient, 0
}
