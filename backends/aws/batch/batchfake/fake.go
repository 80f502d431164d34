package batchfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/sluice-dev/sluice/internal/awsjsonfake"
)

// Region and Account are where the fake's resources live.
const (
	Region  = "us-east-1"
	Account = "000000000000"
)

// Server is a running fake Batch.
type Server struct {
	// URL is the fake's endpoint.
	URL string

	mu    sync.Mutex
	ces   map[string]*entity
	jqs   map[string]*entity
	jds   map[string][]map[string]any
	calls []string
}

// entity is a compute environment or job queue: its description as
// Describe returns it, and the status it reaches when it settles.
type entity struct {
	body map[string]any
	next string
}

// apiError is a refusal in Batch's wire form.
type apiError struct {
	status int
	code   string
	msg    string
}

// clientError is Batch's 400 ClientException.
func clientError(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "ClientException", msg: fmt.Sprintf(format, args...)}
}

// handler answers one operation's decoded request body.
type handler func(req map[string]any) (any, *apiError)

// Start runs a fake Batch until the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{ces: map[string]*entity{}, jqs: map[string]*entity{}, jds: map[string][]map[string]any{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Client returns an SDK client pointed at the fake, with static
// credentials and a single attempt per call.
func (s *Server) Client() *batch.Client {
	return batch.New(batch.Options{
		Region:           Region,
		BaseEndpoint:     aws.String(s.URL),
		Credentials:      aws.AnonymousCredentials{},
		RetryMaxAttempts: 1,
	})
}

// Calls returns the operations answered so far, in order, as the SDK
// names them (CreateComputeEnvironment, ...).
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// Settle completes every transition under way: CREATING and UPDATING
// become VALID, DELETING becomes DELETED.
func (s *Server) Settle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, group := range []map[string]*entity{s.ces, s.jqs} {
		for _, e := range group {
			if e.next != "" {
				e.body["status"] = e.next
				e.next = ""
			}
		}
	}
}

// Invalidate makes the compute environment or job queue with ARN arn
// INVALID with reason, as Batch does when it cannot use a role, subnet
// or compute environment. It reports whether there was such a resource.
func (s *Server) Invalidate(arn, reason string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, group := range []map[string]*entity{s.ces, s.jqs} {
		e := find(group, arn)
		if e != nil && (e.body["computeEnvironmentArn"] == arn || e.body["jobQueueArn"] == arn) {
			e.body["status"], e.body["statusReason"], e.next = "INVALID", reason, ""
			return true
		}
	}
	return false
}

// routes maps request paths to operations.
func (s *Server) routes() map[string]struct {
	name string
	h    handler
} {
	type route = struct {
		name string
		h    handler
	}
	return map[string]route{
		"/v1/createcomputeenvironment":    {"CreateComputeEnvironment", s.createCE},
		"/v1/describecomputeenvironments": {"DescribeComputeEnvironments", s.describeCEs},
		"/v1/updatecomputeenvironment":    {"UpdateComputeEnvironment", s.updateCE},
		"/v1/deletecomputeenvironment":    {"DeleteComputeEnvironment", s.deleteCE},
		"/v1/createjobqueue":              {"CreateJobQueue", s.createJQ},
		"/v1/describejobqueues":           {"DescribeJobQueues", s.describeJQs},
		"/v1/updatejobqueue":              {"UpdateJobQueue", s.updateJQ},
		"/v1/deletejobqueue":              {"DeleteJobQueue", s.deleteJQ},
		"/v1/registerjobdefinition":       {"RegisterJobDefinition", s.registerJD},
		"/v1/describejobdefinitions":      {"DescribeJobDefinitions", s.describeJDs},
		"/v1/deregisterjobdefinition":     {"DeregisterJobDefinition", s.deregisterJD},
	}
}

// serve decodes a request, runs its operation under the lock and writes
// the answer or the refusal.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	name, h, req, err := s.route(r)
	if err == nil {
		var body []byte
		body, err = s.run(name, h, req)
		if err == nil {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
			return
		}
	}
	w.Header().Set("X-Amzn-ErrorType", err.code)
	writeJSON(w, err.status, map[string]string{"message": err.msg})
}

// run answers one operation under the lock, encoding the answer before
// releasing it so later changes cannot race the encoding.
func (s *Server) run(name string, h handler, req map[string]any) ([]byte, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, name)
	out, err := h(req)
	if err != nil {
		return nil, err
	}
	body, jerr := json.Marshal(out)
	if jerr != nil {
		return nil, &apiError{status: http.StatusInternalServerError, code: "ServerException", msg: jerr.Error()}
	}
	return body, nil
}

// route finds the operation for r and decodes its body.
func (s *Server) route(r *http.Request) (string, handler, map[string]any, *apiError) {
	req := map[string]any{}
	if r.Body != nil && r.ContentLength != 0 {
		// The whole request is read before answering, as AWS does.
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = json.Unmarshal(body, &req)
		}
		if err != nil {
			return "", nil, nil, clientError("malformed request body: %v", err)
		}
	}
	if arn, ok := strings.CutPrefix(r.URL.EscapedPath(), "/v1/tags/"); ok {
		return s.tagRoute(r, arn, req)
	}
	rt, ok := s.routes()[r.URL.Path]
	if !ok || r.Method != http.MethodPost {
		return "", nil, nil, &apiError{status: http.StatusNotFound, code: "UnknownOperation", msg: r.Method + " " + r.URL.Path}
	}
	return rt.name, rt.h, req, nil
}

// writeJSON writes v as the JSON body of a response with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	awsjsonfake.WriteJSON(w, code, v)
}

// arn builds the ARN of a Batch resource.
func arn(kind, name string) string {
	return fmt.Sprintf("arn:aws:batch:%s:%s:%s/%s", Region, Account, kind, name)
}

// nameOf reduces a name or ARN to the name.
func nameOf(key string) string {
	return key[strings.LastIndex(key, "/")+1:]
}

// str returns a request field as a string, "" when absent.
func str(req map[string]any, key string) string {
	v, _ := req[key].(string)
	return v
}
