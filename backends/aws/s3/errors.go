package s3

import (
	"errors"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

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

// classify wraps err, from operation opName, with its kind and the retry
// decision awsapi's S3 table and rule give it: refusals a person must
// resolve (and specs that do not decode) stall, S3 not yet consistent
// waits, throttling, 5xx and the network are transient.
func classify(opName string, err error) error {
	return awsapi.S3().Classify(opName, err)
}
