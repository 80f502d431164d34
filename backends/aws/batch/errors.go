package batch

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
)

// errNotFound marks a Batch refusal that means the resource is gone.
var errNotFound = errors.New("does not exist")

// busy is how long to wait before looking again at a resource that is
// creating, updating or deleting.
const busy = 15 * time.Second

// classify turns a Batch API error into Sluice's error shape with a retry
// decision: "does not exist" wraps errNotFound; a resource busy or still
// related to a queue is waiting; any other ClientException (a request
// Batch refuses as given) is stalled; the rest (ServerException,
// network, throttling the SDK gave up on) is transient.
func classify(op string, t sluice.Target, err error) error {
	if err == nil {
		return nil
	}
	op = fmt.Sprintf("batch.%s: %s", op, t.ID)
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ClientException" {
		return sluice.Transient(sluice.E(op, sluice.KindTransient, err))
	}
	msg := strings.ToLower(ae.ErrorMessage())
	switch {
	case strings.Contains(msg, "does not exist"):
		return sluice.E(op, sluice.KindNotFound, fmt.Errorf("%w: %w", errNotFound, err))
	case strings.Contains(msg, "relationship"), strings.Contains(msg, "being modified"),
		strings.Contains(msg, "creating"), strings.Contains(msg, "updating"), strings.Contains(msg, "deleting"):
		return sluice.Waiting(busy, sluice.E(op, sluice.KindConflict, err))
	}
	return sluice.Stalled(sluice.E(op, sluice.KindInvalid, err))
}

// notOwned is the stalled error for a name taken by a resource without
// Sluice's ownership tags.
func notOwned(t sluice.Target, arn string) error {
	return sluice.Stalled(sluice.E("batch.Create: "+string(t.ID), sluice.KindConflict,
		fmt.Errorf("name %q is taken by %s, which Sluice does not own", t.Name, arn)))
}

// waitFor is the waiting error returned between the steps of a change
// the service makes asynchronously.
func waitFor(t sluice.Target, what string) error {
	return sluice.Waiting(busy, sluice.E("batch: "+string(t.ID), sluice.KindConflict, errors.New(what)))
}

// invalidSpec is the stalled error for a spec that does not decode into
// the API's input.
func invalidSpec(t sluice.Target, err error) error {
	return sluice.Stalled(sluice.E("batch: "+string(t.ID), sluice.KindInvalid, fmt.Errorf("spec: %w", err)))
}

// invalidStatus is the stalled error for a resource Batch reports
// INVALID: a person must fix what the reason names (a role, a subnet).
func invalidStatus(t sluice.Target, what string, reason *string) error {
	msg := what + " is INVALID"
	if reason != nil {
		msg += ": " + *reason
	}
	return sluice.Stalled(sluice.E("batch: "+string(t.ID), sluice.KindInvalid, errors.New(msg)))
}
