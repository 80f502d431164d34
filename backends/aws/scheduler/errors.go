package scheduler

import (
	"errors"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// errorCode returns the AWS error code err carries, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// classify wraps an AWS error of op on name with its kind and the retry
// decision awsapi's Scheduler table and rule give it: refusals of the
// spec, quotas and missing permissions stall, a concurrent change waits,
// throttling, 5xx and the network are transient.
func classify(op, name string, err error) error {
	return awsapi.Scheduler().Classify(op+" "+name, err)
}
