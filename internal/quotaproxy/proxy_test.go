package quotaproxy_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/internal/quotaproxy"
)

// start runs a proxy enforcing rates in front of an upstream that
// answers every request with an empty JSON Step Functions reply and
// counts what reaches it. It returns the proxy, its URL and the count.
func start(t *testing.T, rates map[string]awsapi.Rate) (*quotaproxy.Proxy, string, *atomic.Int32) {
	t.Helper()
	var seen atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		seen.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		_, _ = w.Write([]byte(`{"stateMachines":[]}`))
	}))
	t.Cleanup(up.Close)
	u, err := url.Parse(up.URL)
	if err != nil {
		t.Fatal(err)
	}
	p := quotaproxy.New(u, rates)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv.URL, &seen
}

// config is an SDK config pointed at endpoint that never retries.
func config(endpoint string) aws.Config {
	return aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:     func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func TestBurstThenRefill(t *testing.T) {
	const burst = 3
	p, endpoint, seen := start(t, map[string]awsapi.Rate{"SFN.ListStateMachines": {PerSecond: 20, Burst: burst}})
	client := sfn.NewFromConfig(config(endpoint))
	list := func() error {
		_, err := client.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
		return err
	}
	for i := range burst {
		if err := list(); err != nil {
			t.Fatalf("call %d of the burst: %v", i+1, err)
		}
	}
	err := list()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ThrottlingException" {
		t.Fatalf("call after the burst: err = %v, want ThrottlingException", err)
	}
	if got := seen.Load(); got != burst {
		t.Errorf("upstream saw %d requests, want %d: the throttled one must not be forwarded", got, burst)
	}
	// Another operation has its own bucket (unlimited here: no "*").
	if _, err := client.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("arn:x")}); err != nil {
		t.Fatalf("another operation: %v", err)
	}
	time.Sleep(60 * time.Millisecond) // one token at 20/s
	if err := list(); err != nil {
		t.Fatalf("after refill: %v", err)
	}
	want := map[string]quotaproxy.Count{
		"SFN.ListStateMachines":    {Passed: burst + 1, Throttled: 1},
		"SFN.DescribeStateMachine": {Passed: 1},
	}
	assertCounts(t, p.Counts(), want)
	if passed, throttled := quotaproxy.Totals(p.Counts()); passed != burst+2 || throttled != 1 {
		t.Errorf("Totals = %d, %d; want %d, 1", passed, throttled, burst+2)
	}
	p.Refill()
	for i := range burst {
		if err := list(); err != nil {
			t.Fatalf("call %d after Refill: %v", i+1, err)
		}
	}
	p.Reset()
	if len(p.Counts()) != 0 {
		t.Errorf("Counts after Reset = %v", p.Counts())
	}
}

func assertCounts(t *testing.T, got, want map[string]quotaproxy.Count) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("counts = %v, want %v", got, want)
	}
	for k, c := range want {
		g := got[k]
		if g.Passed != c.Passed || g.Throttled != c.Throttled {
			t.Errorf("counts[%s] = %+v, want %+v (all: %v)", k, g, c, got)
		}
		if g.Passed > 0 && (g.First.IsZero() || g.Last.Before(g.First)) {
			t.Errorf("counts[%s]: first call passed at %v, last at %v; want both, in order", k, g.First, g.Last)
		}
	}
}

// TestSetRates: a proxy started without quotas forwards everything, and
// enforces the rates it is given afterwards from full buckets.
func TestSetRates(t *testing.T) {
	p, endpoint, seen := start(t, nil)
	client := sfn.NewFromConfig(config(endpoint))
	list := func() error {
		_, err := client.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
		return err
	}
	for i := range 10 {
		if err := list(); err != nil {
			t.Fatalf("call %d without quotas: %v", i+1, err)
		}
	}
	p.SetRates(map[string]awsapi.Rate{"SFN.ListStateMachines": {PerSecond: 0.001, Burst: 2}})
	for i := range 2 {
		if err := list(); err != nil {
			t.Fatalf("call %d of the new burst: %v", i+1, err)
		}
	}
	if err := list(); err == nil {
		t.Fatal("call after the new burst passed, want it throttled")
	}
	if got, want := seen.Load(), int32(12); got != want {
		t.Errorf("upstream saw %d requests, want %d", got, want)
	}
	if c := p.Counts()["SFN.ListStateMachines"]; c.Passed != 12 || c.Throttled != 1 {
		t.Errorf("counts %+v, want 12 passed and 1 throttled", c)
	}
}
