package sfn

import (
	"errors"
	"fmt"
	"time"

	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
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

// stalledCodes are refusals no retry can fix: the spec or the
// permissions must change.
func stalledCodes() map[string]bool {
	return map[string]bool{
		"InvalidDefinition": true, "InvalidArn": true, "InvalidName": true,
		"InvalidLoggingConfiguration": true, "InvalidTracingConfiguration": true,
		"InvalidEncryptionConfiguration": true, "ValidationException": true,
		"StateMachineTypeNotSupported": true, "MissingRequiredParameter": true,
		"StateMachineLimitExceeded": true, "TooManyTags": true,
		"UnrecognizedClientException": true, "InvalidSignatureException": true,
	}
}

// errorCode returns the AWS error code err carries, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// classify wraps an AWS error of op on name with the retry decision its
// code calls for: stalled for refusals, waiting while the name is being
// deleted, transient otherwise (throttling the SDK gave up on, 5xx, IAM
// propagation right after a role was made).
func classify(op, name string, err error) error {
	err = fmt.Errorf("%s %s: %w", op, name, err)
	code := errorCode(err)
	switch {
	case code == codeDeleting:
		return sluice.Waiting(deletingWait, err)
	case stalledCodes()[code]:
		return sluice.Stalled(err)
	default:
		return sluice.Transient(err)
	}
}
