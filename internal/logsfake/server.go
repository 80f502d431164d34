package logsfake

import (
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/sluice-dev/sluice/internal/awsjsonfake"
)

// Server is a running fake CloudWatch Logs endpoint.
type Server struct {
	// URL is the endpoint to point the SDK at.
	URL string

	mu       sync.Mutex
	groups   map[string]map[string][]event // group → stream → events
	calls    map[string]int
	throttle int
	srv      *httptest.Server
}

// event is one log event as stored.
type event struct {
	Timestamp     int64  `json:"timestamp"`
	Message       string `json:"message"`
	IngestionTime int64  `json:"ingestionTime"`
}

// Start runs a fake; Close stops it.
func Start() *Server {
	s := &Server{groups: map[string]map[string][]event{}, calls: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Append adds lines to the stream name of group, creating both as
// needed, as a container writing its output does; with no lines it
// creates an empty stream.
func (s *Server) Append(group, name string, lines ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[group] == nil {
		s.groups[group] = map[string][]event{}
	}
	for _, l := range lines {
		n := int64(len(s.groups[group][name]))
		s.groups[group][name] = append(s.groups[group][name], event{Timestamp: 1_700_000_000_000 + n, Message: l,
			IngestionTime: 1_700_000_000_000 + n})
	}
	if s.groups[group][name] == nil {
		s.groups[group][name] = []event{}
	}
}

// Throttle makes the next n calls of any operation answer
// ThrottlingException.
func (s *Server) Throttle(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.throttle = n
}

// Calls returns how many requests of op the fake received, throttled
// ones included.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

type apiError = awsjsonfake.Error

func errorf(code, format string, args ...any) *apiError {
	return awsjsonfake.Errorf(code, format, args...)
}

func (s *Server) handlers() map[string]awsjsonfake.Handler {
	hs := map[string]awsjsonfake.Handler{
		"CreateLogGroup":  s.createGroup,
		"CreateLogStream": s.createStream,
		"PutLogEvents":    s.putEvents,
		"GetLogEvents":    s.getEvents,
	}
	for op, h := range hs {
		hs[op] = func(body []byte) (any, *apiError) {
			s.calls[op]++
			if s.throttle > 0 {
				s.throttle--
				return nil, errorf("ThrottlingException", "Rate exceeded")
			}
			return h(body)
		}
	}
	return hs
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	awsjsonfake.Protocol{ContentType: "application/x-amz-json-1.1", TargetPrefix: "Logs_20140328."}.Serve(w, r, &s.mu, s.handlers())
}
