package batch_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/batch/batchfake"
)

// failure makes the proxy refuse the at-th call (from 1) of op, as the
// path names it, with Batch's wire form of status and code.
type failure struct {
	op     string
	at     int
	status int
	code   string
}

// proxy stands between the SDK and the fake: it counts the Describe
// calls, telling the ones that name a job definition from listings,
// and injects one failure.
type proxy struct {
	fail failure

	mu     sync.Mutex
	counts map[string]int
	named  int
}

// startProxy puts a proxy in front of fake and returns it with an SDK
// client calling through it.
func startProxy(t *testing.T, fake *batchfake.Server, fail failure) (*proxy, *awsbatch.Client) {
	t.Helper()
	to, err := url.Parse(fake.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{fail: fail, counts: map[string]int{}}
	forward := httputil.NewSingleHostReverseProxy(to)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.serve(w, r) {
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c := awsbatch.New(awsbatch.Options{Region: batchfake.Region, BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1,
		HTTPClient: bufferedBody{awshttp.NewBuildableClient()}})
	return p, c
}

// bufferedBody sends each request with its body read into memory
// first. Without it, net/http's write loop can fail on the SDK's
// request body after the response has arrived and close the connection
// under the response being read ("use of closed network connection",
// as in aws-sdk-go-v2 issue 2737); a listing of 40 pages of 100 job
// definitions hit it every few runs.
type bufferedBody struct{ next awsbatch.HTTPClient }

// Do sends r with its body buffered.
func (b bufferedBody) Do(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		_ = r.Body.Close()
		if err != nil {
			return nil, err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return b.next.Do(r)
}

// serve counts r and either refuses it (false) or leaves it to be
// forwarded with its body restored (true).
func (p *proxy) serve(w http.ResponseWriter, r *http.Request) bool {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	op := strings.TrimPrefix(r.URL.Path, "/v1/")
	var req struct {
		Name string `json:"jobDefinitionName"`
	}
	_ = json.Unmarshal(body, &req)
	p.mu.Lock()
	p.counts[op]++
	n := p.counts[op]
	if op == "describejobdefinitions" && req.Name != "" {
		p.named++
	}
	p.mu.Unlock()
	if op != p.fail.op || n != p.fail.at {
		return true
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", p.fail.code)
	w.WriteHeader(p.fail.status)
	_, _ = w.Write([]byte(`{"message":"refused by the test"}`))
	return false
}

// jdReads returns how many DescribeJobDefinitions calls listed the
// account and how many named a job definition.
func (p *proxy) jdReads() (listing, named int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.counts["describejobdefinitions"] - p.named, p.named
}

// count returns how many calls of op (all calls for "") the proxy saw.
func (p *proxy) count(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if op != "" {
		return p.counts[op]
	}
	n := 0
	for _, c := range p.counts {
		n += c
	}
	return n
}

// jdTarget is a job definition named name running image.
func jdTarget(name, image string) sluice.Target {
	spec := strings.Replace(jdSpec, "churn-dev-train_fit", name, 1)
	return target(sluice.TypeJobDefinition, name, name, strings.Replace(spec, "%s", image, 1))
}

// register registers a revision of tg's definition with tags (nil: a
// foreign one) straight through the API, and returns its ARN.
func register(t *testing.T, c *awsbatch.Client, tg sluice.Target, tags map[string]string) string {
	t.Helper()
	var in awsbatch.RegisterJobDefinitionInput
	if err := json.Unmarshal(tg.Spec, &in); err != nil {
		t.Fatal(err)
	}
	in.Tags = tags
	out, err := c.RegisterJobDefinition(t.Context(), &in)
	if err != nil {
		t.Fatalf("register %s: %v", tg.Name, err)
	}
	return aws.ToString(out.JobDefinitionArn)
}

// deregister deregisters the revision arn.
func deregister(t *testing.T, c *awsbatch.Client, arn string) {
	t.Helper()
	if _, err := c.DeregisterJobDefinition(t.Context(), &awsbatch.DeregisterJobDefinitionInput{JobDefinition: &arn}); err != nil {
		t.Fatalf("deregister %s: %v", arn, err)
	}
}

// retag sets key=value on arn.
func retag(t *testing.T, c *awsbatch.Client, arn, key, value string) {
	t.Helper()
	if _, err := c.TagResource(t.Context(), &awsbatch.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{key: value}}); err != nil {
		t.Fatalf("tag %s: %v", arn, err)
	}
}
