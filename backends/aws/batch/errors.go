package batch

import (
	"errors"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// errNotFound marks a Batch refusal that means the resource is gone.
var errNotFound = errors.New("does not exist")

// classify turns a Batch API error into Sluice's error shape with the
// retry decision awsapi's Batch table and rule give it; a resource that
// does not exist also wraps errNotFound.
func classify(op string, t sluice.Target, err error) error {
	if err == nil {
		return nil
	}
	op = fmt.Sprintf("batch.%s: %s", op, t.ID)
	svc := awsapi.Batch()
	if k := svc.KindOf(err); k == sluice.KindNotFound {
		return svc.Wrap(op, k, fmt.Errorf("%w: %w", errNotFound, err))
	}
	return svc.Classify(op, err)
}

// notOwned is the stalled error, reason NotOwned, for a name taken by a
// resource without Sluice's ownership tags.
func notOwned(t sluice.Target, arn string) error {
	return sluice.Because(sluice.RetryStalled, sluice.ReasonNotOwned, 0, sluice.E("batch.Create: "+string(t.ID), sluice.KindConflict,
		fmt.Errorf("name %q is taken by %s, which Sluice does not own: refusing to adopt it (`sluice adopt` takes it if it is the one the documents describe)", t.Name, arn)))
}

// waitFor is the waiting error returned between the steps of a change
// the service makes asynchronously.
func waitFor(t sluice.Target, what string) error {
	return awsapi.Batch().Wrap("batch: "+string(t.ID), sluice.KindInProgress, errors.New(what))
}

// queueWait is how long a job queue refused because its compute
// environment is not ready (CREATING, as it is right after the same
// apply created it; the Batch API reference, CreateJobQueue's
// computeEnvironmentOrder: "Compute environments must be in the VALID
// state before you can associate them with a job queue") waits before it
// is created again, rather than
// Batch's usual wait: a compute environment is usually VALID within
// seconds, and the state machines that submit to the queue wait for it.
// At 1,000 pipelines, Step Functions' creation quota (one a second once
// its burst of 100 is spent) bounds a cold apply, and each second its
// bucket stays full is a second lost.
const queueWait = 5 * time.Second

// waitAtMost returns err with its wait cut to at most d when it is a
// waiting error; any other error as it is.
func waitAtMost(err error, d time.Duration) error {
	var re *sluice.RetryError
	if !errors.As(err, &re) || re.Decision != sluice.RetryWaiting || re.After <= d {
		return err
	}
	return sluice.Because(sluice.RetryWaiting, re.Reason, d, re.Err)
}

// invalidSpec is the stalled error for a spec that does not decode into
// the API's input.
func invalidSpec(t sluice.Target, err error) error {
	return awsapi.Batch().Wrap("batch: "+string(t.ID), sluice.KindInvalid, fmt.Errorf("spec: %w", err))
}

// invalidStatus is the stalled error for a resource Batch reports
// INVALID: a person must fix what the reason names (a role, a subnet).
func invalidStatus(t sluice.Target, what string, reason *string) error {
	msg := what + " is INVALID"
	if reason != nil {
		msg += ": " + *reason
	}
	return awsapi.Batch().Wrap("batch: "+string(t.ID), sluice.KindInvalid, errors.New(msg))
}
