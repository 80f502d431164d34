package ingest_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/runs/ingest"
)

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// TestParse reads both event shapes, as the Step Functions and Batch
// guides document them, and refuses the rest by kind.
func TestParse(t *testing.T) {
	ev, err := ingest.Parse(mustRead(t, "execution-failed.json"))
	x, ok := ev.(ingest.ExecutionEvent)
	if err != nil || !ok {
		t.Fatalf("execution event: %T %v", ev, err)
	}
	if x.Name != "run-42" || x.Status != "FAILED" || x.Error != "States.TaskFailed" || x.Output != "" ||
		!x.Started.Equal(time.UnixMilli(1796637600000)) || x.Stopped.Sub(x.Started) != 5*time.Second ||
		x.StateMachineARN != "arn:aws:states:eu-west-1:123456789012:stateMachine:churn-dev-training" {
		t.Errorf("execution event: %+v", x)
	}
	ev, err = ingest.Parse(mustRead(t, "job-failed.json"))
	j, ok := ev.(ingest.JobEvent)
	if err != nil || !ok {
		t.Fatalf("job event: %T %v", ev, err)
	}
	if j.JobID != "4c7599ae-0a82-49aa-ba5a-4727fcce14a8" || j.Status != "FAILED" || len(j.Attempts) != 2 ||
		j.ExitCode == nil || *j.ExitCode != 1 || j.LogStream != "churn-dev-training-fit/default/t2" ||
		j.Attempts[0].ExitCode == nil || *j.Attempts[0].ExitCode != 137 || j.JobQueue == "" ||
		j.Environment["SLUICE_RUN_ID"] != "run-42" || j.Environment["SLUICE_STEP"] != "fit" {
		t.Errorf("job event: %+v", j)
	}
	tests := []struct {
		name    string
		body    string
		unknown bool
	}{
		{"another source", string(mustRead(t, "other-event.json")), true},
		{"not JSON", "hello", false},
		{"execution without status", `{"id":"1","source":"aws.states","detail-type":"Step Functions Execution Status Change","detail":{"executionArn":"a"}}`, false},
		{"job without id", `{"id":"1","source":"aws.batch","detail-type":"Batch Job State Change","detail":{"status":"RUNNING"}}`, false},
	}
	for _, tc := range tests {
		_, err := ingest.Parse([]byte(tc.body))
		if err == nil || errors.Is(err, ingest.ErrUnknownEvent) != tc.unknown {
			t.Errorf("%s: %v, want an error (unknown event: %v)", tc.name, err, tc.unknown)
		}
	}
}

// TestParseLogGroup: a job whose definition sends its output to another
// log group (the awslogs driver's awslogs-group option; AWS Batch API
// reference, LogConfiguration) says so; other drivers leave Batch's
// default.
func TestParseLogGroup(t *testing.T) {
	for _, tt := range []struct{ config, want string }{
		{`{"logDriver":"awslogs","options":{"awslogs-group":"/ml/jobs"}}`, "/ml/jobs"},
		{`{"logDriver":"awslogs","options":{}}`, ""},
		{`{"logDriver":"splunk","options":{"awslogs-group":"/x"}}`, ""},
	} {
		body := `{"id":"1","source":"aws.batch","detail-type":"Batch Job State Change","detail":{"jobId":"j","status":"RUNNING",` +
			`"container":{"logStreamName":"s","logConfiguration":` + tt.config + `}}}`
		ev, err := ingest.Parse([]byte(body))
		j, ok := ev.(ingest.JobEvent)
		if err != nil || !ok || j.LogGroup != tt.want || j.LogStream != "s" {
			t.Errorf("logConfiguration %s: %+v, %v; want group %q", tt.config, ev, err, tt.want)
		}
	}
}
