package sfnfake_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const mapDef = `{"StartAt":"each","States":{"each":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"t",` +
	`"States":{"t":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync","End":true}}}}}}`

// execute creates a state machine of def and starts it as run.
func execute(t *testing.T, api *sfn.Client, def string) string {
	t.Helper()
	ctx := context.Background()
	m, err := api.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("each"),
		Definition: aws.String(def), RoleArn: aws.String("arn:aws:iam::000000000000:role/r")})
	if err != nil {
		t.Fatal(err)
	}
	x, err := api.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: m.StateMachineArn, Name: aws.String("run")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(x.ExecutionArn)
}

// events reads the whole history of arn, pages of size at a time.
func events(t *testing.T, api *sfn.Client, arn string, size int32, reverse bool) []types.HistoryEvent {
	t.Helper()
	var all []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(api, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, MaxResults: size, ReverseOrder: reverse})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Events...)
	}
	return all
}

func describe(t *testing.T, api *sfn.Client, arn string) *sfn.DescribeExecutionOutput {
	t.Helper()
	out, err := api.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestHistoryIsWellFormed checks the history of an execution that ended:
// numbered from 1, each event following an earlier one, the same in pages
// of 3 as in one page, and reversed on request.
func TestHistoryIsWellFormed(t *testing.T) {
	api, _ := start(t)
	arn := execute(t, api, mapDef)
	for range 3 {
		describe(t, api, arn)
	}
	whole := events(t, api, arn, 1000, false)
	paged := events(t, api, arn, 3, false)
	reversed := events(t, api, arn, 0, true)
	if len(whole) < 10 || len(paged) != len(whole) || len(reversed) != len(whole) {
		t.Fatalf("%d events, %d paged, %d reversed", len(whole), len(paged), len(reversed))
	}
	for i, e := range whole {
		if e.Id != int64(i+1) || paged[i].Id != e.Id || reversed[len(whole)-1-i].Id != e.Id {
			t.Fatalf("event %d has id %d (paged %d)", i, e.Id, paged[i].Id)
		}
		if (i == 0) != (e.PreviousEventId == 0) || e.PreviousEventId >= e.Id {
			t.Errorf("event %d (%s) follows %d", e.Id, e.Type, e.PreviousEventId)
		}
	}
	if whole[0].Type != types.HistoryEventTypeExecutionStarted || whole[len(whole)-1].Type != types.HistoryEventTypeExecutionSucceeded {
		t.Errorf("history runs from %s to %s", whole[0].Type, whole[len(whole)-1].Type)
	}
}

func TestExecutionRefusals(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		call func(api *sfn.Client, arn string) error
		want string
	}{
		{name: "history with a token of another execution", want: "InvalidToken", call: func(api *sfn.Client, arn string) error {
			_, err := api.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, NextToken: aws.String("bm9wZSMx")})
			return err
		}},
		{name: "history of an unknown execution", want: "ExecutionDoesNotExist", call: func(api *sfn.Client, arn string) error {
			_, err := api.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn + "x")})
			return err
		}},
		{name: "history pages over 1000", want: "ValidationException", call: func(api *sfn.Client, arn string) error {
			_, err := api.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, MaxResults: 1001})
			return err
		}},
		{name: "stop of an unknown execution", want: "ExecutionDoesNotExist", call: func(api *sfn.Client, arn string) error {
			_, err := api.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn + "x")})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, _ := start(t)
			arn := execute(t, api, mapDef)
			if got := code(tt.call(api, arn)); got != tt.want {
				t.Errorf("error code %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStopAborts(t *testing.T) {
	api, _ := start(t)
	arn := execute(t, api, mapDef)
	if _, err := api.StopExecution(context.Background(), &sfn.StopExecutionInput{ExecutionArn: &arn,
		Error: aws.String("Sluice.Cancelled"), Cause: aws.String("cancelled by a person")}); err != nil {
		t.Fatal(err)
	}
	out := describe(t, api, arn)
	if out.Status != types.ExecutionStatusAborted || aws.ToString(out.Error) != "Sluice.Cancelled" || out.StopDate == nil {
		t.Fatalf("after stop: %+v", out)
	}
	all := events(t, api, arn, 0, false)
	if last := all[len(all)-1]; last.Type != types.HistoryEventTypeExecutionAborted {
		t.Errorf("history ends with %s, want ExecutionAborted", last.Type)
	}
	for _, e := range all {
		if e.Type == types.HistoryEventTypeTaskSucceeded {
			t.Errorf("event %d: a task ended after the execution was stopped", e.Id)
		}
	}
}
