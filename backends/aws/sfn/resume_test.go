package sfn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
)

// TestResumeExecutionRedrives: resuming a failed run redrives it under
// its own ARN, fit and what follows again; resuming it once it
// succeeded, or with a new name, is refused as invalid, the former with
// ErrNotRedrivable.
func TestResumeExecutionRedrives(t *testing.T) {
	def := `{"StartAt":"fit","States":{"fit":` + batchTask + `,"Next":"report"},"report":` + batchTask + `,"End":true}}}`
	x, machine, srv, _ := runner(t, def)
	srv.ScriptExecution("run-1", sfnfake.Outcome{Tasks: map[string][]sfnfake.Attempt{"fit": {{Error: "States.TaskFailed"}}}})
	arn, err := x.StartExecution(context.Background(), machine, "run-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if e := ended(t, x, arn); e.Status != sluice.ExecutionFailed {
		t.Fatalf("first attempt: %s, want FAILED", e.Status)
	}
	if _, err := x.ResumeExecution(context.Background(), arn, "run-1-again"); sluice.KindOf(err) != sluice.KindInvalid {
		t.Errorf("resume under a new name: %v, want KindInvalid", err)
	}
	srv.ScriptExecution("run-1", sfnfake.Outcome{})
	got, err := x.ResumeExecution(context.Background(), arn, "")
	if err != nil || got != arn {
		t.Fatalf("ResumeExecution = %q, %v; want %s", got, err, arn)
	}
	if e := ended(t, x, arn); e.Status != sluice.ExecutionSucceeded || attemptsOf(e)["fit"] != 2 {
		t.Errorf("after the resume: %s with fit run %d times, want SUCCEEDED, fit twice", e.Status, attemptsOf(e)["fit"])
	}
	_, err = x.ResumeExecution(context.Background(), arn, "")
	if !errors.Is(err, sfn.ErrNotRedrivable) || sluice.KindOf(err) != sluice.KindInvalid {
		t.Errorf("resume of a succeeded run: %v, want ErrNotRedrivable of KindInvalid", err)
	}
}
