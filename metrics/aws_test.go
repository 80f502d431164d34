package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/metrics"
)

var _ awsapi.Recorder = (*metrics.Metrics)(nil)

// throttlingSFN answers the first throttle Step Functions calls with
// AWS's ThrottlingException and the others with an empty listing.
func throttlingSFN(t *testing.T, throttle int32) *httptest.Server {
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
	return srv
}

func TestRecordsAWSCallsThroughTheSDKMiddleware(t *testing.T) {
	m, reg := mustNew(t)
	srv := throttlingSFN(t, 2)
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	noDelay := retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Millisecond, nil })
	cfg, err := awsapi.LoadConfig(context.Background(), awsapi.Target{Region: "us-east-1", Endpoint: srv.URL},
		awsapi.WithRecorder(m), awsapi.WithBackoff(noDelay),
		awsapi.WithLoadOptions(config.WithCredentialsProvider(creds)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sfn.NewFromConfig(cfg).ListStateMachines(context.Background(), &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatal(err)
	}
	fams := scrape(t, reg)
	op := L{"service": "SFN", "operation": "ListStateMachines"}
	for _, s := range []sample{
		{"sluice_aws_api_calls_total", L{"service": "SFN", "operation": "ListStateMachines", "result": "throttled"}, 2},
		{"sluice_aws_api_calls_total", L{"service": "SFN", "operation": "ListStateMachines", "result": "ok"}, 1},
		{"sluice_aws_api_retries_total", op, 2},
	} {
		if got := fams.value(t, s.name, s.labels); got != s.want {
			t.Errorf("%s%v = %v, want %v", s.name, s.labels, got, s.want)
		}
	}
}
