package sfnfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Server is a running fake Step Functions endpoint.
type Server struct {
	// URL is the endpoint to point the SDK at.
	URL string
	// DeletingPolls is how many Describe calls a deleted state machine
	// stays DELETING for (default 2).
	DeletingPolls int
	// ExecutionPolls is how many DescribeExecution calls an execution
	// stays RUNNING for before it ends as scripted (default 2).
	ExecutionPolls int

	mu       sync.Mutex
	machines map[string]*machine // by ARN
	// executions by ARN, scripts by execution name, seq numbers
	// executions started without a name.
	executions map[string]*execution
	scripts    map[string]Outcome
	seq        int
	srv        *httptest.Server
	account    string
	region     string
}

// machine is one state machine as the fake holds it.
type machine struct {
	ARN        string            `json:"stateMachineArn"`
	Name       string            `json:"name"`
	Status     string            `json:"status"`
	Definition string            `json:"definition"`
	RoleArn    string            `json:"roleArn"`
	Type       string            `json:"type"`
	Created    float64           `json:"creationDate"`
	Logging    json.RawMessage   `json:"loggingConfiguration,omitempty"`
	Tracing    json.RawMessage   `json:"tracingConfiguration,omitempty"`
	tags       map[string]string `json:"-"`
	pollsLeft  int
}

// Start runs a fake for region and account; Close stops it.
func Start(region, account string) *Server {
	s := &Server{DeletingPolls: 2, ExecutionPolls: 2, machines: map[string]*machine{}, account: account, region: region,
		executions: map[string]*execution{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetTag sets a tag on the state machine arn as AWS itself would (the
// key may start with "aws:"). It reports whether arn exists.
func (s *Server) SetTag(arn, key, value string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.machines[arn]
	if ok {
		m.tags[key] = value
	}
	return ok
}

// apiError is an error the fake answers, in the JSON 1.0 error shape.
type apiError struct {
	code, message string
}

func errorf(code, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

// handler answers one operation from its request body.
type handler func(body []byte) (any, *apiError)

func (s *Server) handlers() map[string]handler {
	return map[string]handler{
		"CreateStateMachine":             s.create,
		"DescribeStateMachine":           s.describe,
		"UpdateStateMachine":             s.update,
		"DeleteStateMachine":             s.delete,
		"TagResource":                    s.tag,
		"UntagResource":                  s.untag,
		"ListTagsForResource":            s.listTags,
		"ListStateMachines":              s.list,
		"ValidateStateMachineDefinition": s.validate,
		"StartExecution":                 s.startExecution,
		"DescribeExecution":              s.describeExecution,
		"GetExecutionHistory":            s.history,
		"StopExecution":                  s.stopExecution,
		"RedriveExecution":               s.redriveExecution,
		"ListExecutions":                 s.listExecutions,
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSStepFunctions.")
	h, ok := s.handlers()[op]
	if !ok {
		writeError(w, errorf("UnknownOperationException", "%s is not covered by the fake", op))
		return
	}
	var body json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, errorf("SerializationException", "%v", err))
		return
	}
	s.mu.Lock()
	out, apiErr := h(body)
	s.mu.Unlock()
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	_ = json.NewEncoder(w).Encode(out)
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.code, "message": e.message})
}

// decode reads a request body into v.
func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return errorf("SerializationException", "%v", err)
	}
	return nil
}

func now() float64 { return float64(time.Now().UnixMilli()) / 1000 }
