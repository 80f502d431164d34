package sfn_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/reconcile"
)

// pollLimit bounds how many times a kumo test describes an execution that
// kumo runs in the background.
const pollLimit = 200

// waitDone describes id until it ends.
func waitDone(t *testing.T, x *sfn.Executions, id string) sluice.Execution {
	t.Helper()
	for range pollLimit {
		e, err := x.DescribeExecution(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Done() {
			return e
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s still running after %d polls", id, pollLimit)
	return sluice.Execution{}
}

// TestExecutionsKumo runs executions on kumo, which interprets Pass and
// Fail states (not Batch tasks, and it records no state events, so no
// steps): the status, output, error and cause, and the refusals.
func TestExecutionsKumo(t *testing.T) {
	srv := kumotest.Start(t)
	api, _ := client(t, srv.URL)
	x := sfn.NewExecutions(api)
	ctx := context.Background()
	passing := createMachine(t, api, "churn-dev-pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"ok":true},"End":true}}}`)
	failing := createMachine(t, api, "churn-dev-fail", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Sluice.Gate","Cause":"too low"}}}`)

	tests := []struct {
		name, machine, status, output, err, cause string
	}{
		{name: "pass", machine: passing, status: sluice.ExecutionSucceeded, output: `{"ok":true}`},
		{name: "fail", machine: failing, status: sluice.ExecutionFailed, err: "Sluice.Gate", cause: "too low"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := x.StartExecution(ctx, tt.machine, "run-"+tt.name, json.RawMessage(`{"n":1}`))
			if err != nil {
				t.Fatal(err)
			}
			e := waitDone(t, x, id)
			if e.Status != tt.status || e.Error != tt.err || e.Cause != tt.cause || e.Name != "run-"+tt.name ||
				e.StateMachine != tt.machine || string(e.Input) != `{"n":1}` || e.Started.IsZero() {
				t.Errorf("execution %+v", e)
			}
			if tt.output != "" && !reconcile.SameJSON(e.Output, json.RawMessage(tt.output)) {
				t.Errorf("output %s, want %s", e.Output, tt.output)
			}
			_, err = x.StartExecution(ctx, tt.machine, "run-"+tt.name, json.RawMessage(`{"n":1}`))
			if sluice.KindOf(err) != sluice.KindConflict {
				t.Errorf("the name again after the end: %v, want a conflict", err)
			}
		})
	}

	gone := strings.Replace(passing, "churn-dev-pass", "churn-dev-gone", 1)
	if _, err := x.StartExecution(ctx, gone, "run", nil); sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("start of an unknown state machine: %v, want not found", err)
	}
	unknown := strings.Replace(passing, ":stateMachine:", ":execution:", 1) + ":never"
	if _, err := x.DescribeExecution(ctx, unknown); sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("describe of an unknown execution: %v, want not found", err)
	}
}
