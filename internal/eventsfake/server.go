package eventsfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Server is a running fake EventBridge endpoint.
type Server struct {
	// URL is the endpoint to point the SDK at.
	URL string

	mu      sync.Mutex
	rules   map[string]*rule // by name
	region  string
	account string
	srv     *httptest.Server
}

// rule is one rule of the default bus.
type rule struct {
	Name, Arn, EventPattern, ScheduleExpression, Description, State string
	targets                                                         []target
	tags                                                            map[string]string
}

// target is one target of a rule, as PutTargets gives it.
type target struct {
	Id  string `json:"Id"` //nolint:revive // the API's field name
	Arn string `json:"Arn"`
}

// Start runs a fake for region and account; Close stops it.
func Start(region, account string) *Server {
	s := &Server{rules: map[string]*rule{}, region: region, account: account}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// apiError is an error the fake answers, in the JSON 1.1 error shape.
type apiError struct {
	code, message string
}

func errorf(code, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

type handler func(body []byte) (any, *apiError)

func (s *Server) handlers() map[string]handler {
	return map[string]handler{
		"PutRule":             s.putRule,
		"DescribeRule":        s.describeRule,
		"DeleteRule":          s.deleteRule,
		"ListRules":           s.listRules,
		"PutTargets":          s.putTargets,
		"RemoveTargets":       s.removeTargets,
		"ListTargetsByRule":   s.listTargets,
		"TagResource":         s.tagResource,
		"UntagResource":       s.untagResource,
		"ListTagsForResource": s.listTags,
		"TestEventPattern":    s.testEventPattern,
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "AWSEvents.")
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

// find returns the rule name, or ResourceNotFoundException.
func (s *Server) find(name string) (*rule, *apiError) {
	r, ok := s.rules[name]
	if !ok {
		return nil, errorf("ResourceNotFoundException", "Rule %s does not exist on EventBus default.", name)
	}
	return r, nil
}

// byARN returns the rule arn names, or ResourceNotFoundException.
func (s *Server) byARN(arn string) (*rule, *apiError) {
	for _, r := range s.rules {
		if r.Arn == arn {
			return r, nil
		}
	}
	return nil, errorf("ResourceNotFoundException", "Resource %s does not exist.", arn)
}
