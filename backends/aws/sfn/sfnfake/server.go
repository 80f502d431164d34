package sfnfake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/sluice-dev/sluice/internal/awsjsonfake"
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
// apiError is an error answer of the JSON protocol.
type apiError = awsjsonfake.Error

func errorf(code, format string, args ...any) *apiError {
	return awsjsonfake.Errorf(code, format, args...)
}

// handler answers one operation from its request body.
type handler = awsjsonfake.Handler

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
	awsjsonfake.Protocol{ContentType: "application/x-amz-json-1.0", TargetPrefix: "AWSStepFunctions."}.Serve(w, r, &s.mu, s.handlers())
}

// decode reads a request body into v.
func decode(body []byte, v any) *apiError { return awsjsonfake.Decode(body, v) }

func now() float64 { return float64(time.Now().UnixMilli()) / 1000 }
