package awsapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

func apiErr(code, msg string) error {
	return &smithy.GenericAPIError{Code: code, Message: msg}
}

// withStatus wraps err as the SDK does a failed HTTP response.
func withStatus(status int, err error) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err}}
}

type classifyCase struct {
	name     string
	err      error
	kind     sluice.Kind
	decision sluice.Retry
	reason   sluice.Reason
}

func check(t *testing.T, svc awsapi.Service, cases []classifyCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(svc.Name+"/"+c.name, func(t *testing.T) {
			err := svc.Classify("op", c.err)
			if got := sluice.KindOf(err); got != c.kind {
				t.Errorf("kind = %q, want %q", got, c.kind)
			}
			d, after := sluice.RetryOf(err)
			if d != c.decision {
				t.Errorf("decision = %s, want %s", d, c.decision)
			}
			if d == sluice.RetryWaiting && after != svc.Wait {
				t.Errorf("after = %s, want the service's wait %s", after, svc.Wait)
			}
			if got := sluice.ReasonOf(err); got != c.reason {
				t.Errorf("reason = %q, want %q", got, c.reason)
			}
			if !errors.Is(err, c.err) {
				t.Errorf("the cause is lost: %v", err)
			}
		})
	}
}

var (
	stalled   = sluice.RetryStalled
	waiting   = sluice.RetryWaiting
	transient = sluice.RetryTransient
)

func TestClassifyBatch(t *testing.T) {
	check(t, awsapi.Batch(), []classifyCase{
		{"missing", apiErr("ClientException", "Job queue foo does not exist."), sluice.KindNotFound, transient, sluice.ReasonNotFound},
		{"related", apiErr("ClientException", "Cannot delete, found existing JobQueue relationship"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"updating", apiErr("ClientException", "compute environment is UPDATING"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"refused", apiErr("ClientException", "maxvCpus must be positive"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"server", apiErr("ServerException", "internal"), sluice.KindTransient, transient, sluice.ReasonServiceError},
		{"denied", apiErr("AccessDeniedException", "not authorized"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"throttled", apiErr("TooManyRequestsException", "slow down"), sluice.KindThrottled, transient, sluice.ReasonThrottled},
	})
}

func TestClassifyStepFunctions(t *testing.T) {
	check(t, awsapi.StepFunctions(), []classifyCase{
		{"definition", apiErr("InvalidDefinition", "bad"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"limit", apiErr("StateMachineLimitExceeded", "too many"), sluice.KindQuota, stalled, sluice.ReasonQuotaExceeded},
		{"deleting", apiErr("StateMachineDeleting", "x"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"taken", apiErr("StateMachineAlreadyExists", "x"), sluice.KindConflict, stalled, sluice.ReasonConflict},
		{"gone", apiErr("StateMachineDoesNotExist", "x"), sluice.KindNotFound, transient, sluice.ReasonNotFound},
		{"denied", apiErr("AccessDeniedException", "x"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"kms denied", apiErr("KmsAccessDeniedException", "x"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"throttled", apiErr("ThrottlingException", "x"), sluice.KindThrottled, transient, sluice.ReasonThrottled},
		{"unknown code", apiErr("SomethingNew", "x"), sluice.KindTransient, transient, sluice.ReasonServiceError},
	})
}

func TestClassifyS3(t *testing.T) {
	check(t, awsapi.S3(), []classifyCase{
		{"denied", apiErr("AccessDenied", "x"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"taken", apiErr("BucketAlreadyExists", "x"), sluice.KindConflict, stalled, sluice.ReasonConflict},
		{"xml", apiErr("MalformedXML", "x"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"catching up", apiErr("NoSuchBucket", "x"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"slow down", apiErr("SlowDown", "x"), sluice.KindThrottled, transient, sluice.ReasonThrottled},
		{"5xx", apiErr("InternalError", "x"), sluice.KindTransient, transient, sluice.ReasonServiceError},
		{"bare 403", withStatus(403, errors.New("forbidden")), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"bare 503", withStatus(503, errors.New("unavailable")), sluice.KindTransient, transient, sluice.ReasonServiceError},
		{"spec", &json.SyntaxError{}, sluice.KindInvalid, stalled, sluice.ReasonInvalid},
	})
}

func TestClassifyRDS(t *testing.T) {
	check(t, awsapi.RDS(time.Minute), []classifyCase{
		{"busy", apiErr("InvalidDBInstanceState", "x"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"kms", apiErr("KMSKeyNotAccessibleFault", "x"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"taken", apiErr("DBInstanceAlreadyExists", "x"), sluice.KindConflict, stalled, sluice.ReasonConflict},
		{"storage", apiErr("StorageQuotaExceeded", "x"), sluice.KindQuota, stalled, sluice.ReasonQuotaExceeded},
		{"param", apiErr("InvalidParameterCombination", "x"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"throttled", apiErr("Throttling", "x"), sluice.KindThrottled, transient, sluice.ReasonThrottled},
		{"network", errors.New("connection reset"), sluice.KindTransient, transient, sluice.ReasonServiceError},
	})
}

func TestClassifyScheduler(t *testing.T) {
	check(t, awsapi.Scheduler(), []classifyCase{
		{"invalid", apiErr("ValidationException", "x"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"quota", apiErr("ServiceQuotaExceededException", "x"), sluice.KindQuota, stalled, sluice.ReasonQuotaExceeded},
		{"concurrent", apiErr("ConflictException", "x"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"gone", apiErr("ResourceNotFoundException", "x"), sluice.KindNotFound, transient, sluice.ReasonNotFound},
		{"5xx", apiErr("InternalServerException", "x"), sluice.KindTransient, transient, sluice.ReasonServiceError},
	})
}

func TestClassifyTagging(t *testing.T) {
	check(t, awsapi.Tagging(), []classifyCase{
		{"param", apiErr("InvalidParameterException", "x"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"org", apiErr("ConstraintViolationException", "x"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"throttled", apiErr("ThrottledException", "x"), sluice.KindThrottled, transient, sluice.ReasonThrottled},
		{"token", apiErr("PaginationTokenExpiredException", "x"), sluice.KindTransient, transient, sluice.ReasonServiceError},
	})
}

// TestEveryServiceAgrees is the rule that one refusal means one thing
// whichever service answers it: access denied stalls, throttling and
// 5xx are retried.
func TestEveryServiceAgrees(t *testing.T) {
	same := []classifyCase{
		{"AccessDeniedException", apiErr("AccessDeniedException", "no"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"AccessDenied", apiErr("AccessDenied", "no"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"expired credentials", apiErr("ExpiredTokenException", "no"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"ThrottlingException", apiErr("ThrottlingException", "x"), sluice.KindThrottled, transient, sluice.ReasonThrottled},
		{"ServiceUnavailable", apiErr("ServiceUnavailable", "x"), sluice.KindTransient, transient, sluice.ReasonServiceError},
		{"network", errors.New("dial tcp: connection refused"), sluice.KindTransient, transient, sluice.ReasonServiceError},
	}
	for _, svc := range awsapi.Services() {
		check(t, svc, same)
	}
}

func TestDecideCoversEveryKind(t *testing.T) {
	want := map[sluice.Kind]sluice.Retry{
		sluice.KindPermission: stalled, sluice.KindInvalid: stalled, sluice.KindConflict: stalled,
		sluice.KindQuota: stalled, sluice.KindInProgress: waiting, sluice.KindThrottled: transient,
		sluice.KindTransient: transient, sluice.KindNotFound: transient, sluice.KindInternal: transient,
		sluice.KindOther: transient,
	}
	for k, d := range want {
		got, reason := awsapi.Decide(k)
		if got != d || reason == sluice.ReasonNone {
			t.Errorf("Decide(%q) = %s, %q; want %s with a reason", k, got, reason, d)
		}
	}
}

func TestClassifyEventBridge(t *testing.T) {
	check(t, awsapi.EventBridge(), []classifyCase{
		{"concurrent", apiErr("ConcurrentModificationException", "x"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"pattern", apiErr("InvalidEventPatternException", "x"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"managed", apiErr("ManagedRuleException", "x"), sluice.KindConflict, stalled, sluice.ReasonConflict},
		{"rules quota", apiErr("LimitExceededException", "x"), sluice.KindQuota, stalled, sluice.ReasonQuotaExceeded},
		{"gone", apiErr("ResourceNotFoundException", "x"), sluice.KindNotFound, transient, sluice.ReasonNotFound},
		{"5xx", apiErr("InternalException", "x"), sluice.KindTransient, transient, sluice.ReasonServiceError},
	})
}

func TestClassifySQS(t *testing.T) {
	check(t, awsapi.SQS(), []classifyCase{
		{"gone", apiErr("QueueDoesNotExist", "x"), sluice.KindNotFound, transient, sluice.ReasonNotFound},
		{"gone, query protocol", apiErr("AWS.SimpleQueueService.NonExistentQueue", "x"), sluice.KindNotFound, transient, sluice.ReasonNotFound},
		{"deleted recently", apiErr("QueueDeletedRecently", "x"), sluice.KindInProgress, waiting, sluice.ReasonInProgress},
		{"name taken", apiErr("QueueNameExists", "x"), sluice.KindConflict, stalled, sluice.ReasonConflict},
		{"attribute", apiErr("InvalidAttributeValue", "x"), sluice.KindInvalid, stalled, sluice.ReasonInvalid},
		{"kms", apiErr("KmsAccessDenied", "x"), sluice.KindPermission, stalled, sluice.ReasonPermissionDenied},
		{"over limit", apiErr("OverLimit", "x"), sluice.KindQuota, stalled, sluice.ReasonQuotaExceeded},
		{"throttled", apiErr("RequestThrottled", "x"), sluice.KindThrottled, transient, sluice.ReasonThrottled},
	})
}
