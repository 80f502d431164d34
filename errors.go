package sluice

import (
	"errors"
	"strings"
)

// Kind classifies an error by what the caller should do about it.
type Kind string

// Error kinds.
const (
	KindOther      Kind = ""
	KindInvalid    Kind = "invalid"
	KindNotFound   Kind = "not found"
	KindConflict   Kind = "conflict"
	KindPermission Kind = "permission"
	KindTransient  Kind = "transient"
	KindInternal   Kind = "internal"
	// KindThrottled: the service refused the call for its rate (the SDK's
	// retryer gave up on it).
	KindThrottled Kind = "throttled"
	// KindInProgress: the resource is busy with another operation
	// (creating, modifying, deleting) and refuses the call until it
	// settles.
	KindInProgress Kind = "in progress"
	// KindQuota: an account limit or a service's capacity refuses the
	// call; a person must raise the limit or change the request.
	KindQuota Kind = "quota exceeded"
)

// Error is the error shape shared by Sluice's packages: the operation that
// failed, what kind of failure it is, and its cause.
type Error struct {
	Op   string
	Kind Kind
	Err  error
}

// E builds an *Error.
func E(op string, kind Kind, err error) *Error { return &Error{Op: op, Kind: kind, Err: err} }

// Error formats the error as "op: kind: cause".
func (e *Error) Error() string {
	parts := make([]string, 0, 3)
	if e.Op != "" {
		parts = append(parts, e.Op)
	}
	if e.Kind != KindOther {
		parts = append(parts, string(e.Kind))
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	}
	return strings.Join(parts, ": ")
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the outermost *Error in err's chain that has
// one, or KindOther.
func KindOf(err error) Kind {
	var e *Error
	for errors.As(err, &e) {
		if e.Kind != KindOther {
			return e.Kind
		}
		err = e.Err
	}
	return KindOther
}
