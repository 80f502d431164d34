package quotaproxy

import (
	"fmt"
	"net/http"
)

// writeThrottle answers a throttled request as service does: REST-XML
// 503 SlowDown for S3; the query protocol's 400 Throttling for RDS and
// STS; JSON 1.0 400 ThrottlingException for Step Functions; JSON 1.1
// 400 ThrottledException for the Resource Groups Tagging API; REST-JSON
// 429 with X-Amzn-ErrorType TooManyRequestsException for Batch and
// ThrottlingException for Scheduler. The SDK's standard retryer
// retries each of these codes.
func writeThrottle(w http.ResponseWriter, service string) {
	switch service {
	case "S3":
		write(w, http.StatusServiceUnavailable, "application/xml",
			`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>quota</RequestId></Error>`)
	case "RDS", "STS":
		write(w, http.StatusBadRequest, "text/xml",
			`<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>quota</RequestId></ErrorResponse>`)
	case "SFN":
		write(w, http.StatusBadRequest, "application/x-amz-json-1.0", `{"__type":"ThrottlingException","message":"Rate exceeded"}`)
	case "Resource Groups Tagging API":
		write(w, http.StatusBadRequest, "application/x-amz-json-1.1", `{"__type":"ThrottledException","Message":"Rate exceeded"}`)
	default:
		code := "TooManyRequestsException"
		if service == "Scheduler" {
			code = "ThrottlingException"
		}
		w.Header().Set("X-Amzn-ErrorType", code)
		write(w, http.StatusTooManyRequests, "application/json", fmt.Sprintf(`{"message":"Rate exceeded","__type":%q}`, code))
	}
}

// write sends one complete reply.
func write(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
