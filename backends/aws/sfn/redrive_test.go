package sfn_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
)

// ended polls the execution until it has ended, and returns it.
func ended(t *testing.T, x *sfn.Executions, arn string) sluice.Execution {
	t.Helper()
	for range 10 {
		e, err := x.DescribeExecution(context.Background(), arn)
		if err != nil {
			t.Fatal(err)
		}
		if e.Done() {
			return e
		}
	}
	t.Fatal("the execution never ended")
	return sluice.Execution{}
}

// attemptsOf counts the runs of each step in e, the redriven attempt's
// included.
func attemptsOf(e sluice.Execution) map[string]int {
	n := map[string]int{}
	for _, s := range e.Steps {
		n[s.State]++
	}
	return n
}

// TestRedriveRerunsOnlyWhatFailed: a run whose fit step failed is
// redriven after the fault is fixed; prepare is not run again, fit and
// what follows are, with the definition the run started with (the state
// machine was changed since), and the run ends SUCCEEDED under the same
// ARN. A second redrive of the succeeded run is refused without a call.
func TestRedriveRerunsOnlyWhatFailed(t *testing.T) {
	def := `{"StartAt":"prepare","States":{"prepare":` + batchTask + `,"Next":"fit"},"fit":` + batchTask + `,"Next":"report"},"report":` + batchTask + `,"End":true}}}`
	x, machine, srv, calls := runner(t, def)
	api, _ := client(t, srv.URL)
	srv.ScriptExecution("run-1", sfnfake.Outcome{Tasks: map[string][]sfnfake.Attempt{"fit": {{Error: "States.TaskFailed", Cause: "exit 1"}}}})
	arn, err := x.StartExecution(context.Background(), machine, "run-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := ended(t, x, arn); e.Status != sluice.ExecutionFailed {
		t.Fatalf("first attempt: %s, want FAILED", e.Status)
	}
	_, err = api.UpdateStateMachine(context.Background(), &awssfn.UpdateStateMachineInput{StateMachineArn: &machine,
		Definition: aws.String(`{"StartAt":"other","States":{"other":{"Type":"Pass","End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	srv.ScriptExecution("run-1", sfnfake.Outcome{})
	if _, err := sfn.Redrive(context.Background(), api, arn); err != nil {
		t.Fatal(err)
	}
	e := ended(t, x, arn)
	if e.Status != sluice.ExecutionSucceeded || e.ID != arn {
		t.Errorf("after the redrive: %s %s, want SUCCEEDED under %s", e.ID, e.Status, arn)
	}
	if got := attemptsOf(e); got["prepare"] != 1 || got["fit"] != 2 || got["report"] != 1 || got["other"] != 0 {
		t.Errorf("steps run %v: want prepare once, fit twice (failed, then redriven), report once, nothing of the new definition", got)
	}
	before := calls.Calls("SFN", "RedriveExecution")
	_, err = sfn.Redrive(context.Background(), api, arn)
	if !errors.Is(err, sfn.ErrNotRedrivable) || calls.Calls("SFN", "RedriveExecution") != before {
		t.Errorf("redrive of a succeeded run: %v after %d more calls; want ErrNotRedrivable and no call", err, calls.Calls("SFN", "RedriveExecution")-before)
	}
}

// TestRedriveRefusals: what Step Functions refuses to redrive is
// ErrNotRedrivable with its reason, whether the description says so or
// the refusal does; an unknown execution is not found.
func TestRedriveRefusals(t *testing.T) {
	def := `{"StartAt":"fit","States":{"fit":` + batchTask + `,"End":true}}}`
	x, machine, srv, _ := runner(t, def)
	api, _ := client(t, srv.URL)
	srv.ExecutionPolls = 100
	srv.ScriptExecution("old", sfnfake.Outcome{Tasks: map[string][]sfnfake.Attempt{"fit": {{Error: "States.TaskFailed"}}}})
	running, err := x.StartExecution(context.Background(), machine, "running", nil)
	if err != nil {
		t.Fatal(err)
	}
	old, err := x.StartExecution(context.Background(), machine, "old", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.StopExecution(context.Background(), &awssfn.StopExecutionInput{ExecutionArn: &old}); err != nil {
		t.Fatal(err)
	}
	srv.AgeExecution(old, 15*24*time.Hour)
	tests := []struct {
		name, arn, reason string
		kind              sluice.Kind
	}{
		{"running", running, "RUNNING", sluice.KindInvalid},
		{"stopped 15 days ago", old, "redrivable period exceeded", sluice.KindInvalid},
		{"unknown", "arn:aws:states:us-east-1:000000000000:execution:churn-dev-train:nope", "", sluice.KindNotFound},
	}
	for _, tc := range tests {
		_, err := sfn.Redrive(context.Background(), api, tc.arn)
		if sluice.KindOf(err) != tc.kind || errors.Is(err, sfn.ErrNotRedrivable) != (tc.reason != "") ||
			(tc.reason != "" && !contains(err.Error(), tc.reason)) {
			t.Errorf("%s: %v (kind %q); want kind %q and the reason %q", tc.name, err, sluice.KindOf(err), tc.kind, tc.reason)
		}
	}
	// The fake refuses as AWS does when asked all the same.
	_, err = api.RedriveExecution(context.Background(), &awssfn.RedriveExecutionInput{ExecutionArn: &old})
	if err == nil || !contains(err.Error(), "ExecutionNotRedrivable") {
		t.Errorf("RedriveExecution of an execution past its redrivable period: %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
