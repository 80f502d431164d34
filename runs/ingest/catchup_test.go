package ingest_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
	"github.com/sluice-dev/sluice/runs/ingest"
)

// states starts the Step Functions fake with one state machine and
// returns a plain client (for the test's own calls), a client counted by
// the returned Counter and kept to a Limiter (for the catch-up), and the
// state machine's ARN.
func states(t *testing.T) (*sfnfake.Server, *sfn.Client, *sfn.Client, *awsapi.Counter, string) {
	t.Helper()
	srv := sfnfake.Start("us-east-1", "000000000000")
	t.Cleanup(srv.Close)
	var calls awsapi.Counter
	load := func(opts ...awsapi.Option) *sfn.Client {
		opts = append(opts, awsapi.WithMaxAttempts(2),
			awsapi.WithBackoff(retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })),
			awsapi.WithLoadOptions(config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", ""))))
		cfg, err := awsapi.LoadConfig(context.Background(), awsapi.Target{Region: "us-east-1", Endpoint: srv.URL}, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return sfn.NewFromConfig(cfg)
	}
	api := load(awsapi.WithLimiter(awsapi.NewLimiter(map[string]awsapi.Rate{"*": {PerSecond: 1e6, Burst: 1e6}})))
	counted := load(awsapi.WithRecorder(&calls), awsapi.WithLimiter(awsapi.NewLimiter(nil)))
	out, err := api.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String("churn-dev-training"),
		Definition: aws.String(`{"StartAt":"fit","States":{"fit":{"Type":"Pass","End":true}}}`),
		RoleArn:    aws.String("arn:aws:iam::000000000000:role/states")})
	if err != nil {
		t.Fatal(err)
	}
	return srv, api, counted, &calls, aws.ToString(out.StateMachineArn)
}

func start(t *testing.T, api *sfn.Client, machine, name string) string {
	t.Helper()
	out, err := api.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &machine, Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.ExecutionArn)
}

// TestCatchUpFindsLostEnds: executions whose events were all lost are
// found by the listing, and an execution that was running at one
// catch-up has its end found at the next, since the cursor never moves
// past a running execution's start. Each catch-up of a state machine
// with fewer executions than a page costs one ListExecutions call.
func TestCatchUpFindsLostEnds(t *testing.T) {
	srv, api, counted, calls, machine := states(t)
	srv.ExecutionPolls = 1
	c := &ingest.CatchUp{API: counted, Sink: newSink()}
	sink := c.Sink.(*memSink)
	first := start(t, api, machine, "run-1")
	time.Sleep(2 * time.Millisecond) // the fake dates starts to the millisecond
	second := start(t, api, machine, "run-2")
	since, err := c.StateMachine(context.Background(), machine, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.executions) != 2 || sink.executions[first].Status != "RUNNING" || !since.Equal(sink.executions[first].Started.Add(-ingest.ConsistencyMargin)) {
		t.Fatalf("first catch-up: %d executions, cursor %s; want both running and the cursor at run-1's start, less the margin", len(sink.executions), since)
	}
	for range 2 { // run-1 ends; its end event is lost
		if _, err := api.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &first}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(2 * time.Millisecond)
	third := start(t, api, machine, "run-3")
	since, err = c.StateMachine(context.Background(), machine, since)
	if err != nil {
		t.Fatal(err)
	}
	if sink.executions[first].Status != "SUCCEEDED" || sink.executions[third].Status != "RUNNING" {
		t.Errorf("second catch-up: run-1 %s, run-3 %s; want SUCCEEDED and RUNNING", sink.executions[first].Status, sink.executions[third].Status)
	}
	if !since.Equal(sink.executions[second].Started.Add(-ingest.ConsistencyMargin)) {
		t.Errorf("cursor %s, want run-2's start (the oldest still running), less the margin", since)
	}
	if n := calls.Calls("SFN", "ListExecutions"); n != 2 {
		t.Errorf("%d ListExecutions calls for two catch-ups, want 2", n)
	}
}

// TestCatchUpStopsAtTheCursor: with more executions than a page, a
// catch-up reads only the pages down to its cursor.
func TestCatchUpStopsAtTheCursor(t *testing.T) {
	srv, api, counted, calls, machine := states(t)
	srv.ExecutionPolls = 0
	c := &ingest.CatchUp{API: counted, Sink: newSink()}
	for i := range 1001 {
		arn := start(t, api, machine, "run-"+time.Duration(i).String())
		if _, err := api.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &arn}); err != nil {
			t.Fatal(err)
		}
		// Started a minute apart, the newest an hour ago.
		srv.AgeExecution(arn, time.Hour+time.Duration(1000-i)*time.Minute)
	}
	since, err := c.StateMachine(context.Background(), machine, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n, w := calls.Calls("SFN", "ListExecutions"), c.Sink.(*memSink).writes; n != 2 || w != 1001 {
		t.Errorf("a full listing of 1,001 executions: %d calls and %d writes, want 2 pages and 1,001", n, w)
	}
	calls.Reset()
	if _, err := c.StateMachine(context.Background(), machine, since); err != nil {
		t.Fatal(err)
	}
	if n := calls.Calls("SFN", "ListExecutions"); n != 1 {
		t.Errorf("a catch-up with nothing new: %d calls, want 1", n)
	}
	// An execution started just before the newest one listed, and not
	// listed then (the listing is eventually consistent), is within the
	// margin: the next catch-up finds it.
	late := start(t, api, machine, "late")
	srv.AgeExecution(late, time.Hour+90*time.Second)
	if _, err := c.StateMachine(context.Background(), machine, since); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Sink.(*memSink).executions[late]; !ok {
		t.Error("an execution started within the margin before the cursor was not listed")
	}
}
