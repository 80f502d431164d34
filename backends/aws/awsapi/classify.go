package awsapi

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
)

// Rule maps an AWS error code, and optionally a phrase of its message,
// to the kind of failure it is.
type Rule struct {
	// Code is the error code (smithy.APIError.ErrorCode).
	Code string
	// Phrase, when set, must appear in the error's message (compared in
	// lower case): Batch answers most refusals with the one code
	// ClientException and says what it is only in the message.
	Phrase string
	Kind   sluice.Kind
}

// Service is one AWS service's error table: the codes it answers with
// beyond the ones every service shares, and how long to wait before
// looking again at a resource that is busy.
type Service struct {
	// Name is the service's name, for tests and messages ("batch").
	Name string
	// Rules are tried in order, before the codes every service shares;
	// the first that matches decides.
	Rules []Rule
	// Wait is the delay before the next attempt on a resource in
	// progress (KindInProgress).
	Wait time.Duration
}

// commonRules are the error codes every AWS service may answer with
// (AWS API reference, "Common Errors"), plus the spellings of the same
// refusals in the services Sluice calls (S3's AccessDenied, EC2's
// UnauthorizedOperation, the Query protocol's Throttling).
func commonRules() []Rule {
	rules := []Rule{}
	add := func(k sluice.Kind, codes ...string) {
		for _, c := range codes {
			rules = append(rules, Rule{Code: c, Kind: k})
		}
	}
	add(sluice.KindPermission, "AccessDeniedException", "AccessDenied", "UnauthorizedOperation",
		"NotAuthorized", "OptInRequired", "UnrecognizedClientException", "InvalidSignatureException",
		"IncompleteSignature", "InvalidClientTokenId", "MissingAuthenticationToken",
		"ExpiredToken", "ExpiredTokenException", "RequestExpired", "SignatureDoesNotMatch")
	add(sluice.KindInvalid, "ValidationException", "ValidationError", "InvalidParameterValue",
		"InvalidParameterCombination", "InvalidParameterException", "MissingParameter",
		"MissingRequiredParameter", "MalformedQueryString", "SerializationException", "InvalidAction",
		"InvalidQueryParameter")
	add(sluice.KindQuota, "ServiceQuotaExceededException", "LimitExceededException")
	add(sluice.KindThrottled, "ThrottlingException", "Throttling", "ThrottledException",
		"TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled",
		"RequestThrottledException", "SlowDown", "ProvisionedThroughputExceededException")
	add(sluice.KindTransient, "InternalFailure", "InternalError", "InternalServerError",
		"InternalServerException", "ServiceUnavailable", "ServiceUnavailableException",
		"ServiceException", "RequestTimeout", "RequestTimeoutException")
	add(sluice.KindNotFound, "ResourceNotFoundException")
	return rules
}

// KindOf returns the kind of err, a failed call to the service: the
// service's own rules first, then the codes every service shares, then
// what the SDK counts as throttling, then the HTTP status (403
// permission, 404 not found, 429 throttled, 5xx transient); a spec that
// does not decode into the API's input is invalid. Anything else (a
// network error, a code no table knows) is transient: retried with
// backoff, which loses nothing, rather than stalled on a guess.
func (s Service) KindOf(err error) sluice.Kind {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if k, ok := match(s.Rules, ae); ok {
			return k
		}
		if k, ok := match(commonRules(), ae); ok {
			return k
		}
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		return sluice.KindThrottled
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syntax) || errors.As(err, &typ) {
		return sluice.KindInvalid
	}
	return kindOfStatus(statusOf(err))
}

// match returns the kind of the first rule that matches ae.
func match(rules []Rule, ae smithy.APIError) (sluice.Kind, bool) {
	code, msg := ae.ErrorCode(), strings.ToLower(ae.ErrorMessage())
	for _, r := range rules {
		if r.Code == code && (r.Phrase == "" || strings.Contains(msg, r.Phrase)) {
			return r.Kind, true
		}
	}
	return sluice.KindOther, false
}

// kindOfStatus returns the kind an HTTP status says, KindTransient for
// none or another.
func kindOfStatus(status int) sluice.Kind {
	switch status {
	case 403:
		return sluice.KindPermission
	case 404:
		return sluice.KindNotFound
	case 429:
		return sluice.KindThrottled
	default:
		return sluice.KindTransient
	}
}

// statusOf returns the HTTP status of a failed call, 0 when there was no
// response.
func statusOf(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

// Decide is Sluice's one rule from the kind of a failure to what the
// reconciler does about it, and the reason it records:
//
//   - permission, invalid input, a name taken (conflict) and an account
//     limit stall: a person must act, retrying cannot help;
//   - a resource busy in another operation waits (progress, not failure);
//   - throttling, 5xx, network errors and a resource not found (yet, on
//     an eventually consistent service) are transient: back off and retry.
func Decide(k sluice.Kind) (sluice.Retry, sluice.Reason) {
	switch k {
	case sluice.KindPermission:
		return sluice.RetryStalled, sluice.ReasonPermissionDenied
	case sluice.KindInvalid:
		return sluice.RetryStalled, sluice.ReasonInvalid
	case sluice.KindConflict:
		return sluice.RetryStalled, sluice.ReasonConflict
	case sluice.KindQuota:
		return sluice.RetryStalled, sluice.ReasonQuotaExceeded
	case sluice.KindInProgress:
		return sluice.RetryWaiting, sluice.ReasonInProgress
	case sluice.KindThrottled:
		return sluice.RetryTransient, sluice.ReasonThrottled
	case sluice.KindNotFound:
		return sluice.RetryTransient, sluice.ReasonNotFound
	default:
		return sluice.RetryTransient, sluice.ReasonServiceError
	}
}

// Classify wraps err, from op, as Sluice's error shape ("op: kind:
// cause") with the retry decision and reason Decide gives its kind; nil
// for nil.
func (s Service) Classify(op string, err error) error {
	if err == nil {
		return nil
	}
	k := s.KindOf(err)
	return s.Wrap(op, k, err)
}

// Wrap is Classify for an error whose kind the caller already knows (a
// resource Batch reports INVALID, a spec that does not decode).
func (s Service) Wrap(op string, k sluice.Kind, err error) error {
	d, reason := Decide(k)
	var after time.Duration
	if d == sluice.RetryWaiting {
		after = s.Wait
	}
	return sluice.Because(d, reason, after, sluice.E(op, k, err))
}
