package eventsfake

import (
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/sluice-dev/sluice/internal/awsjsonfake"
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
// apiError is an error answer of the JSON protocol.
type apiError = awsjsonfake.Error

func errorf(code, format string, args ...any) *apiError {
	return awsjsonfake.Errorf(code, format, args...)
}

// handler answers one operation from its request body.
type handler = awsjsonfake.Handler

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
	awsjsonfake.Protocol{ContentType: "application/x-amz-json-1.1", TargetPrefix: "AWSEvents."}.Serve(w, r, &s.mu, s.handlers())
}

// decode reads a request body into v.
func decode(body []byte, v any) *apiError { return awsjsonfake.Decode(body, v) }

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
