// Package awsjsonfake holds what the HTTP-level fakes of AWS's JSON
// protocols (awsJson1_0 for Step Functions, awsJson1_1 for EventBridge)
// share: the request shape (POST / with X-Amz-Target naming the
// operation, a JSON body), the error shape (HTTP 400 with a JSON body
// carrying __type and message, as the AWS SDKs read it) and the serving
// of one operation under the fake's lock. The operations themselves, and
// the AWS API reference they follow, stay in each fake.
package awsjsonfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Error is an error answer: the AWS error code (its __type) and message.
type Error struct {
	Code, Message string
}

// Errorf returns an error answer with code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Handler answers one operation from its request body.
type Handler func(body []byte) (any, *Error)

// Protocol is one service's JSON protocol.
type Protocol struct {
	// ContentType is the protocol's media type
	// (application/x-amz-json-1.0 or -1.1).
	ContentType string
	// TargetPrefix is X-Amz-Target's prefix before the operation's
	// name, with its dot ("AWSStepFunctions.").
	TargetPrefix string
}

// Serve answers r with the handler of the operation X-Amz-Target names,
// run under mu: an UnknownOperationException for an operation the fake
// does not cover, a SerializationException for a body that is not JSON.
func (p Protocol) Serve(w http.ResponseWriter, r *http.Request, mu *sync.Mutex, handlers map[string]Handler) {
	w.Header().Set("Content-Type", p.ContentType)
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), p.TargetPrefix)
	h, ok := handlers[op]
	if !ok {
		WriteError(w, Errorf("UnknownOperationException", "%s is not covered by the fake", op))
		return
	}
	// The whole request is read before answering, as AWS does: a
	// connection whose request body is left half-read is closed by the
	// server after the answer, which the client may see mid-read.
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		WriteError(w, Errorf("SerializationException", "%v", err))
		return
	}
	var body json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		WriteError(w, Errorf("SerializationException", "%v", err))
		return
	}
	mu.Lock()
	out, apiErr := h(body)
	mu.Unlock()
	if apiErr != nil {
		WriteError(w, apiErr)
		return
	}
	WriteJSON(w, http.StatusOK, out)
}

// WriteError writes e as the protocol's error answer.
func WriteError(w http.ResponseWriter, e *Error) {
	WriteJSON(w, http.StatusBadRequest, map[string]string{"__type": e.Code, "message": e.Message})
}

// WriteJSON sends v as a JSON answer with status, whole and with its
// length, as AWS does (an answer streamed unbuffered can be cut short
// mid-body); the Content-Type set on w stays. Every HTTP-level fake of a
// JSON-speaking AWS API answers through it.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	answer, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		answer, _ = json.Marshal(map[string]string{"__type": "InternalFailure", "message": "the fake could not encode its answer: " + err.Error()})
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(answer)))
	w.WriteHeader(status)
	_, _ = w.Write(answer)
}

// Decode reads a request body into v; a body that does not fit is a
// SerializationException.
func Decode(body []byte, v any) *Error {
	if err := json.Unmarshal(body, v); err != nil {
		return Errorf("SerializationException", "%v", err)
	}
	return nil
}
