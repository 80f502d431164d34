package sfn

import (
	"errors"
	"time"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// deletingWait is how long to wait before looking again at a state
// machine being deleted.
const deletingWait = 10 * time.Second

// Error codes of Step Functions that Sluice acts on.
const (
	codeNotFound      = "StateMachineDoesNotExist"
	codeResourceGone  = "ResourceNotFound"
	codeDeleting      = "StateMachineDeleting"
	codeAlreadyExists = "StateMachineAlreadyExists"
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
// decision awsapi's Step Functions table and rule give it: refusals and
// missing permissions stall, a name being deleted waits, throttling the
// SDK gave up on, 5xx and the network are transient.
func classify(op, name string, err error) error {
	return awsapi.StepFunctions().Classify(op+" "+name, err)
}
