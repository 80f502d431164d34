package awsapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// sfnServer answers every Step Functions call with ListStateMachines'
// empty reply, after answering the first throttle calls with AWS's
// ThrottlingException. It counts the requests it receives.
func sfnServer(t *testing.T, throttle int32) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if n.Add(1) <= throttle {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"__type":"ThrottlingException","message":"Rate exceeded"}`))
			return
		}
		_, _ = w.Write([]byte(`{"stateMachines":[]}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// quickRetries keeps the standard retryer but without its backoff delay.
func quickRetries() awsapi.Option {
	return awsapi.WithBackoff(retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
		return time.Millisecond, nil
	}))
}

// loadConfig builds a config through LoadConfig pointed at url.
func loadConfig(t *testing.T, url string, opts ...awsapi.Option) aws.Config {
	t.Helper()
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	opts = append(opts, awsapi.WithLoadOptions(config.WithCredentialsProvider(creds)), quickRetries())
	cfg, err := awsapi.LoadConfig(context.Background(), awsapi.Target{Region: "us-east-1", Endpoint: url}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestRecordsThrottlingAndRetries(t *testing.T) {
	tests := []struct {
		name      string
		throttle  int32
		attempts  int
		wantOK    int
		wantErr   bool
		wantCalls int
	}{
		{name: "no throttling", throttle: 0, attempts: 8, wantOK: 1, wantCalls: 1},
		{name: "retried until it passes", throttle: 3, attempts: 8, wantOK: 1, wantCalls: 1},
		{name: "retries exhausted", throttle: 5, attempts: 3, wantErr: true, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, requests := sfnServer(t, tt.throttle)
			var c awsapi.Counter
			cfg := loadConfig(t, srv.URL, awsapi.WithRecorder(&c), awsapi.WithMaxAttempts(tt.attempts))
			_, err := sfn.NewFromConfig(cfg).ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			sent := int(requests.Load())
			throttled := min(int(tt.throttle), sent)
			want := map[awsapi.Key]int{}
			add := func(result string, n int) {
				if n > 0 {
					want[awsapi.Key{Service: "SFN", Operation: "ListStateMachines", Result: result}] = n
				}
			}
			add(awsapi.ResultOK, tt.wantOK)
			add(awsapi.ResultThrottled, throttled)
			add(awsapi.RetryResult, sent-1)
			assertCounts(t, c.Snapshot(), want)
			if got := c.Calls("SFN", "ListStateMachines"); got != tt.wantCalls {
				t.Errorf("Calls = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func assertCounts(t *testing.T, got, want map[awsapi.Key]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("counts = %v, want %v", got, want)
		return
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("counts = %v, want %v", got, want)
			return
		}
	}
}

func TestLimiterSpacesCalls(t *testing.T) {
	srv, requests := sfnServer(t, 0)
	lim := awsapi.NewLimiter(map[string]awsapi.Rate{"SFN.ListStateMachines": {PerSecond: 20, Burst: 1}})
	client := sfn.NewFromConfig(loadConfig(t, srv.URL, awsapi.WithLimiter(lim)))
	start := time.Now()
	const calls = 6
	for range calls {
		if _, err := client.ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{}); err != nil {
			t.Fatal(err)
		}
	}
	// One token at once, then one every 50ms: 5 waits of 50ms.
	if elapsed := time.Since(start); elapsed < 230*time.Millisecond {
		t.Errorf("%d calls took %v, want at least 250ms at 20/s", calls, elapsed)
	}
	if got := requests.Load(); got != calls {
		t.Errorf("server saw %d requests, want %d", got, calls)
	}
	// Another operation has its own bucket: it does not wait.
	start = time.Now()
	if _, err := client.ListActivities(context.Background(), &sfn.ListActivitiesInput{}); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 40*time.Millisecond {
		t.Errorf("an unlimited operation took %v", elapsed)
	}
}

func TestLimiterWaitRespectsContext(t *testing.T) {
	lim := awsapi.NewLimiter(map[string]awsapi.Rate{"X.Op": {PerSecond: 0.1, Burst: 1}})
	ctx := context.Background()
	if err := lim.Wait(ctx, "X", "Op"); err != nil {
		t.Fatalf("first token: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := lim.Wait(ctx, "X", "Op"); err == nil {
		t.Fatal("Wait returned no error although the next token is 10s away")
	}
}

func TestIsMutation(t *testing.T) {
	tests := map[string]bool{
		"CreateStateMachine": true, "UpdateSchedule": true, "PutBucketTagging": true,
		"DeleteStateMachine": true, "RegisterJobDefinition": true, "DeregisterJobDefinition": true,
		"TagResource": true, "UntagResource": true, "ModifyDBInstance": true,
		"AddTagsToResource": true, "RemoveTagsFromResource": true, "StartExecution": true,
		"DescribeStateMachine": false, "ListTagsForResource": false, "GetSchedule": false, "HeadBucket": false,
	}
	for op, want := range tests {
		if got := awsapi.IsMutation(op); got != want {
			t.Errorf("IsMutation(%q) = %v, want %v", op, got, want)
		}
	}
}
