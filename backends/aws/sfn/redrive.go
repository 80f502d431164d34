package sfn

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
)

// RedriveAPI is the part of the Step Functions client Redrive calls;
// *sfn.Client implements it.
type RedriveAPI interface {
	DescribeExecution(ctx context.Context, in *sfn.DescribeExecutionInput, opts ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
	RedriveExecution(ctx context.Context, in *sfn.RedriveExecutionInput, opts ...func(*sfn.Options)) (*sfn.RedriveExecutionOutput, error)
}

// ErrNotRedrivable is returned, wrapped with Step Functions' reason, when
// its rules do not allow redriving an execution: it is RUNNING or
// SUCCEEDED, it stopped more than 14 days ago, its state machine is
// EXPRESS or being deleted, its history is near 25,000 events, or it
// started before redrive existed.
var ErrNotRedrivable = errors.New("execution cannot be redriven")

// codeNotRedrivable is RedriveExecution's refusal.
const codeNotRedrivable = "ExecutionNotRedrivable"

// Redrive restarts the execution arn, a FAILED, TIMED_OUT or ABORTED
// execution of a STANDARD state machine, from the states that did not
// succeed: Step Functions keeps the execution's ARN, input, definition
// (the one it started with, whatever the state machine's is now) and the
// results of the states that succeeded, and runs the rest again; inside
// an inline Map or a Parallel state, only the iterations and branches
// that failed (Step Functions API reference, RedriveExecution). It
// returns the redrive's date.
//
// It reads the execution first, and returns ErrNotRedrivable with the
// reason DescribeExecution gives (redriveStatus NOT_REDRIVABLE) without
// asking for a redrive AWS would refuse; a refusal all the same is
// ErrNotRedrivable too. The client token names the redrive (the
// execution's redrive count after it), so that sending it again, as a
// retry after a lost answer, redrives once (Step Functions keeps client
// tokens for 15 minutes). Other failures are *sluice.Error of
// KindNotFound (no such execution), KindInvalid, KindQuota (too many
// open executions), KindTransient or KindPermission.
func Redrive(ctx context.Context, api RedriveAPI, arn string) (time.Time, error) {
	const op = "sfn.RedriveExecution"
	d, err := api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil {
		return time.Time{}, executionError("sfn.DescribeExecution", arn, err)
	}
	if d.RedriveStatus == types.ExecutionRedriveStatusNotRedrivable || d.Status == types.ExecutionStatusRunning ||
		d.Status == types.ExecutionStatusSucceeded {
		reason := aws.ToString(d.RedriveStatusReason)
		if reason == "" {
			reason = "execution is " + string(d.Status)
		}
		return time.Time{}, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%s: %w: %s", arn, ErrNotRedrivable, reason))
	}
	token := "sluice-redrive-" + strconv.Itoa(int(aws.ToInt32(d.RedriveCount))+1)
	out, err := api.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: &arn, ClientToken: &token})
	switch {
	case errorCode(err) == codeNotRedrivable:
		return time.Time{}, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%s: %w: %w", arn, ErrNotRedrivable, err))
	case err != nil:
		return time.Time{}, executionError(op, arn, err)
	}
	return aws.ToTime(out.RedriveDate), nil
}
