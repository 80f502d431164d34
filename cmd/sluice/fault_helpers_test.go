package main

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// faultProxy is a reverse proxy in front of one AWS endpoint (kumo or a
// fake) that delays every request and, before forwarding, answers a
// share of them with a throttling error or a 5xx in the wire format of
// the request's service, as AWS does under load. A refused request never
// reaches the endpoint, so it changed nothing.
type faultProxy struct {
	// URL is the proxy's endpoint.
	URL string

	throttle, fail float64
	latency        time.Duration
	next           http.Handler

	mu        sync.Mutex
	rng       *rand.Rand
	requests  int
	refusals  int
	byService map[string]int
	seen      map[string]bool
}

// startFaultProxy starts a proxy to upstream that throttles the share
// throttle of requests and fails the share fail with a 5xx, drawing from
// a generator seeded with seed; it stops when the test ends. The first
// request of each service is throttled whatever the draw, so that every
// service's retries are exercised however few calls it gets.
func startFaultProxy(t *testing.T, upstream string, throttle, fail float64, seed uint64) *faultProxy {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{throttle: throttle, fail: fail, latency: 2 * time.Millisecond,
		next: httputil.NewSingleHostReverseProxy(target), rng: rand.New(rand.NewPCG(seed, seed)), byService: map[string]int{}, seen: map[string]bool{}}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// ServeHTTP delays the request, then refuses or forwards it.
func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(p.latency)
	service := serviceOf(r)
	p.mu.Lock()
	roll := p.rng.Float64()
	if !p.seen[service] {
		p.seen[service], roll = true, 0
	}
	p.requests++
	refuse := roll < p.throttle+p.fail
	if refuse {
		p.refusals++
		p.byService[service]++
	}
	p.mu.Unlock()
	switch {
	case roll < p.throttle:
		writeFault(w, service, throttleFault)
	case refuse:
		writeFault(w, service, serverFault)
	default:
		p.next.ServeHTTP(w, r)
	}
}

// counts returns how many requests the proxy received and how many it
// refused, per signing service name.
func (p *faultProxy) counts() (requests, refusals int, byService map[string]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	byService = map[string]int{}
	for k, v := range p.byService {
		byService[k] = v
	}
	return p.requests, p.refusals, byService
}

// serviceOf reads the signing name from the request's SigV4 credential
// scope ("Credential=AKID/DATE/REGION/SERVICE/aws4_request").
func serviceOf(r *http.Request) string {
	_, scope, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	parts := strings.Split(strings.SplitN(scope, ",", 2)[0], "/")
	if len(parts) < 4 {
		return ""
	}
	return parts[3]
}

// fault is a refusal's kind.
type fault int

const (
	throttleFault fault = iota
	serverFault
)

// writeFault answers the refusal in the protocol of service: REST-XML for
// S3 (503 SlowDown, 500 InternalError), the query protocol's XML for RDS
// and STS (400 Throttling, 500 InternalFailure), JSON 1.0 for Step
// Functions (400 ThrottlingException, 500 InternalFailure), REST-JSON
// with X-Amzn-ErrorType for Batch and Scheduler (429
// TooManyRequestsException / ThrottlingException, 500 ServerException /
// InternalServerException). Every code is one the SDK's standard retryer
// retries: a throttling code, or a 5xx status.
func writeFault(w http.ResponseWriter, service string, f fault) {
	switch service {
	case "s3":
		status, code := http.StatusServiceUnavailable, "SlowDown"
		if f == serverFault {
			status, code = http.StatusInternalServerError, "InternalError"
		}
		writeBody(w, status, "application/xml", fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>injected</Message><RequestId>fault</RequestId></Error>`, code))
	case "rds", "sts":
		status, code, kind := http.StatusBadRequest, "Throttling", "Sender"
		if f == serverFault {
			status, code, kind = http.StatusInternalServerError, "InternalFailure", "Receiver"
		}
		writeBody(w, status, "text/xml", fmt.Sprintf(`<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>injected</Message></Error><RequestId>fault</RequestId></ErrorResponse>`, kind, code))
	case "states":
		status, code := http.StatusBadRequest, "ThrottlingException"
		if f == serverFault {
			status, code = http.StatusInternalServerError, "InternalFailure"
		}
		writeBody(w, status, "application/x-amz-json-1.0", fmt.Sprintf(`{"__type":%q,"message":"injected"}`, code))
	default:
		writeRESTJSONFault(w, service, f)
	}
}

// writeRESTJSONFault answers a Batch or Scheduler refusal.
func writeRESTJSONFault(w http.ResponseWriter, service string, f fault) {
	status, code := http.StatusTooManyRequests, "TooManyRequestsException"
	if service == "scheduler" {
		code = "ThrottlingException"
	}
	if f == serverFault {
		status, code = http.StatusInternalServerError, "ServerException"
		if service == "scheduler" {
			code = "InternalServerException"
		}
	}
	w.Header().Set("X-Amzn-ErrorType", code)
	writeBody(w, status, "application/json", `{"message":"injected"}`)
}

func writeBody(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
