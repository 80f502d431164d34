package s3

import (
	"encoding/json"
	"errors"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
)

// settleDelay is how long to wait when S3 has not yet caught up with a
// change (a bucket just created, a conflicting operation in progress).
const settleDelay = 5 * time.Second

// stalledKind returns the kind of an S3 refusal a person must resolve,
// KindOther for any other code.
func stalledKind(code string) sluice.Kind {
	switch code {
	case "AccessDenied":
		return sluice.KindPermission
	case "BucketAlreadyExists", "BucketAlreadyOwnedByYou":
		return sluice.KindConflict
	case "InvalidRequest", "InvalidArgument", "MalformedXML", "InvalidBucketName",
		"InvalidLocationConstraint", "IllegalLocationConstraintException", "KMS.NotFoundException":
		return sluice.KindInvalid
	default:
		return sluice.KindOther
	}
}

// isCode reports whether err is an S3 API error with that code.
func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

// statusOf returns the HTTP status of a failed S3 call, 0 when there
// was no response.
func statusOf(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// classify wraps err, from operation opName, with its kind and retry
// decision: refusals a person must resolve (and specs that do not decode)
// are stalled, S3 not yet consistent is waiting, anything else transient.
func classify(opName string, err error) error {
	if err == nil {
		return nil
	}
	var ae smithy.APIError
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax) || errors.As(err, &typ):
		return sluice.Stalled(sluice.E(opName, sluice.KindInvalid, err))
	case isCode(err, "NoSuchBucket") || isCode(err, "OperationAborted"):
		return sluice.Waiting(settleDelay, sluice.E(opName, sluice.KindTransient, err))
	case errors.As(err, &ae) && stalledKind(ae.ErrorCode()) != sluice.KindOther:
		return sluice.Stalled(sluice.E(opName, stalledKind(ae.ErrorCode()), err))
	case statusOf(err) == 403:
		return sluice.Stalled(sluice.E(opName, sluice.KindPermission, err))
	default:
		return sluice.Transient(sluice.E(opName, sluice.KindTransient, err))
	}
}
