package reconcile

import "errors"

// ErrReplace is returned by Backend.Update when the change cannot be made
// in place (a state machine's type, a compute environment's type): the
// reconciler replaces the resource, unless its deletion policy is retain.
var ErrReplace = errors.New("change needs the resource replaced")
