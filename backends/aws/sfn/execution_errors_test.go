package sfn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
)

func TestStartExecutionRefusals(t *testing.T) {
	x, arn, srv, _ := runner(t, pipelineDef)
	ctx := context.Background()
	first, err := x.StartExecution(ctx, arn, "run-1", json.RawMessage(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	again, err := x.StartExecution(ctx, arn, "run-1", json.RawMessage(`{"a":1}`))
	if err != nil || again != first {
		t.Errorf("same name and input while running = %s, %v; want %s again", again, err, first)
	}
	srv.ExecutionPolls = 0
	ended, err := x.StartExecution(ctx, arn, "run-ended", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := x.DescribeExecution(ctx, ended); err != nil || !e.Done() {
		t.Fatalf("run-ended: %+v, %v", e, err)
	}
	gone := strings.Replace(arn, "churn-dev-train", "churn-dev-gone", 1)
	tests := []struct {
		name, machine, run string
		input              string
		want               sluice.Kind
	}{
		{name: "same name, other input", machine: arn, run: "run-1", input: `{"a":2}`, want: sluice.KindConflict},
		{name: "same name and input, ended", machine: arn, run: "run-ended", want: sluice.KindConflict},
		{name: "unknown state machine", machine: gone, run: "run-3", want: sluice.KindNotFound},
		{name: "name with a slash", machine: arn, run: "run/3", want: sluice.KindInvalid},
		{name: "input not JSON", machine: arn, run: "run-4", input: `{`, want: sluice.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := x.StartExecution(ctx, tt.machine, tt.run, json.RawMessage(tt.input))
			if sluice.KindOf(err) != tt.want || id != "" {
				t.Fatalf("StartExecution = %q, %v; want kind %q", id, err, tt.want)
			}
		})
	}
}

func TestDescribeUnknownExecution(t *testing.T) {
	x, arn, _, _ := runner(t, pipelineDef)
	tests := []struct {
		name, id string
		want     sluice.Kind
	}{
		{name: "never started", id: strings.Replace(arn, ":stateMachine:", ":execution:", 1) + ":nope", want: sluice.KindNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.DescribeExecution(context.Background(), tt.id)
			if sluice.KindOf(err) != tt.want {
				t.Fatalf("DescribeExecution = %v, want kind %q", err, tt.want)
			}
		})
	}
}

// TestHistoryPages describes an execution whose history fills several
// pages: every page is read, and every step is there.
func TestHistoryPages(t *testing.T) {
	const items = 300 // 8 events each: about 2,400 events, 3 pages of 1,000
	x, arn, srv, c := runner(t, pipelineDef)
	srv.ExecutionPolls = 0
	srv.ScriptExecution("big", sfnfake.Outcome{Items: map[string]int{"train": items}})
	c.Reset()
	e := startAndDescribe(t, x, arn, "big")
	if n := c.Calls("SFN", "GetExecutionHistory"); n != 3 {
		t.Errorf("%d GetExecutionHistory calls, want 3", n)
	}
	if len(e.Steps) != items+2 {
		t.Fatalf("%d steps, want %d", len(e.Steps), items+2)
	}
	seen := map[string]bool{}
	for _, s := range e.Steps {
		seen[s.Path] = s.Status == sluice.ExecutionSucceeded
	}
	for i := range items {
		if p := fmt.Sprintf("train/%d/fit", i); !seen[p] {
			t.Errorf("no succeeded step %s", p)
		}
	}
	if !seen["split/report"] {
		t.Errorf("the step after the foreach, on the last page, is missing")
	}
}

// BenchmarkDescribeExecution describes an ended execution of a foreach
// over 1,000 items (about 8,000 history events, 8 pages) through the
// fake: the cost of following a large run, HTTP and JSON included.
func BenchmarkDescribeExecution(b *testing.B) {
	srv := sfnfake.Start(region, account)
	defer srv.Close()
	srv.ExecutionPolls = 0
	srv.ScriptExecution("big", sfnfake.Outcome{Items: map[string]int{"train": 1000}})
	api := awssfn.New(awssfn.Options{Region: region, BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	x := sfn.NewExecutions(api)
	id, err := x.StartExecution(context.Background(), createMachine(b, api, "churn-dev-big", pipelineDef), "big", nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if e, err := x.DescribeExecution(context.Background(), id); err != nil || len(e.Steps) != 1002 {
			b.Fatalf("%d steps, %v", len(e.Steps), err)
		}
	}
}
