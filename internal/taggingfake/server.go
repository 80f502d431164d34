package taggingfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/internal/awsjsonfake"
)

// targetPrefix is the X-Amz-Target prefix of the tagging API's
// operations.
const targetPrefix = "ResourceGroupsTaggingAPI_20170126."

// Fake answers the Resource Groups Tagging API from its sources; it is an
// http.Handler. It is safe for concurrent use.
type Fake struct {
	sources []Source

	mu    sync.Mutex
	seen  map[string]bool // ARNs seen tagged: "previously tagged" once untagged
	calls int
	// bodies holds the request bodies answered, to tell a retry of the
	// same request from a new one.
	bodies map[string]bool
}

// New returns a Fake answering from src, asked at every request.
func New(src ...Source) *Fake {
	return &Fake{sources: src, seen: map[string]bool{}, bodies: map[string]bool{}}
}

// Server is a Fake served over HTTP on the loopback interface.
type Server struct {
	*Fake
	// URL is the endpoint, http://127.0.0.1:PORT: set it as the tagging
	// client's BaseEndpoint.
	URL string
}

// Start serves a Fake answering from src until the test ends.
func Start(tb testing.TB, src ...Source) *Server {
	tb.Helper()
	f := New(src...)
	srv := httptest.NewServer(f)
	tb.Cleanup(srv.Close)
	return &Server{Fake: f, URL: srv.URL}
}

// Calls returns how many GetResources requests the Fake has answered,
// refusals included.
func (f *Fake) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// Distinct returns how many different GetResources requests the Fake has
// answered: a request repeated with the same body (an SDK retry of one
// whose connection dropped) counts once.
func (f *Fake) Distinct() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.bodies)
}

// apiError is an error reply: HTTP status, the JSON 1.1 error type and
// its message.
type apiError struct {
	status  int
	code    string
	message string
}

// invalid is an InvalidParameterException.
func invalid(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "InvalidParameterException", message: fmt.Sprintf(format, args...)}
}

// ServeHTTP answers one request: POST / with X-Amz-Target naming
// GetResources; anything else is UnknownOperationException.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if r.Method != http.MethodPost || !ok || op != "GetResources" {
		writeError(w, &apiError{status: http.StatusBadRequest, code: "UnknownOperationException",
			message: fmt.Sprintf("unknown operation %q", r.Header.Get("X-Amz-Target"))})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, &apiError{status: http.StatusBadRequest, code: "SerializationException", message: err.Error()})
		return
	}
	f.mu.Lock()
	f.calls++
	f.bodies[string(body)] = true
	f.mu.Unlock()
	out, e := f.getResources(r.Context(), body)
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// getResources decodes, checks and answers a GetResources request.
func (f *Fake) getResources(ctx context.Context, body []byte) (*getOutput, *apiError) {
	var in getInput
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return nil, &apiError{status: http.StatusBadRequest, code: "SerializationException", message: err.Error()}
		}
	}
	if e := in.check(); e != nil {
		return nil, e
	}
	all, err := f.resources(ctx)
	if err != nil {
		return nil, &apiError{status: http.StatusInternalServerError, code: "InternalServiceException", message: err.Error()}
	}
	return in.answer(all), nil
}

// writeError sends e as a JSON 1.1 error.
func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, map[string]string{"__type": e.code, "Message": e.message})
}

// writeJSON sends v as a JSON 1.1 reply.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	awsjsonfake.WriteJSON(w, status, v)
}
