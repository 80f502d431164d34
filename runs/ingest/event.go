package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Event sources and detail types the rule matches (Step Functions
// developer guide, "Step Functions events"; AWS Batch user guide,
// "Job state change events").
const (
	sourceStates          = "aws.states"
	sourceBatch           = "aws.batch"
	detailExecutionStatus = "Step Functions Execution Status Change"
	detailBatchJobState   = "Batch Job State Change"
)

// ErrUnknownEvent is returned (wrapped) by Parse for a well-formed
// EventBridge event of another source or detail type.
var ErrUnknownEvent = errors.New("not an execution or Batch job status change")

// ExecutionEvent is a Step Functions execution's status change.
type ExecutionEvent struct {
	// EventID is EventBridge's id of the event; a repeat delivery has
	// the same.
	EventID string
	// Time is when the change happened, as the event says.
	Time            time.Time
	ExecutionARN    string
	StateMachineARN string
	// Name is the execution's name: the run id.
	Name string
	// Status is RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED or
	// PENDING_REDRIVE.
	Status  string
	Started time.Time
	// Stopped is zero while the execution runs.
	Stopped time.Time
	// Input and Output are the execution's, as JSON text; each is empty
	// when Step Functions left it out (over 256 KiB: see its details).
	Input, Output string
	Error, Cause  string
	// RedriveCount is how many times the execution was redriven.
	RedriveCount int
}

// JobEvent is an AWS Batch job's state change.
type JobEvent struct {
	EventID  string
	Time     time.Time
	JobID    string
	JobARN   string
	JobName  string
	JobQueue string
	// Status is SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING,
	// SUCCEEDED or FAILED.
	Status       string
	StatusReason string
	// JobDefinition is the ARN of the job definition (with revision).
	JobDefinition string
	// Parameters and Tags are the job's, as submitted.
	Parameters, Tags map[string]string
	Created          time.Time
	Started, Stopped time.Time
	// Attempts are the job's attempts so far, oldest first.
	Attempts []JobAttempt
	// ExitCode and LogStream are the latest attempt's container's, nil
	// and "" until it has them (Batch creates the stream when the
	// container reaches RUNNING).
	ExitCode  *int
	LogStream string
	// LogGroup is the awslogs-group the job definition's
	// logConfiguration names; "" is Batch's default, /aws/batch/job.
	LogGroup string
	// Environment is the container's environment, with the SLUICE_*
	// variables that name the run and step of a job Sluice submitted.
	Environment map[string]string
}

// JobAttempt is one attempt of a Batch job.
type JobAttempt struct {
	Started, Stopped time.Time
	ExitCode         *int
	LogStream        string
	Reason           string
}

// envelope is an EventBridge event as delivered to a queue.
type envelope struct {
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Time       time.Time       `json:"time"`
	Detail     json.RawMessage `json:"detail"`
}

// Parse reads one message body: an EventBridge event of either shape.
// It returns an ExecutionEvent or a JobEvent, an error wrapping
// ErrUnknownEvent for another well-formed event, and another error for a
// body that is not an event at all.
func Parse(body []byte) (any, error) {
	var e envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("event: %w", err)
	}
	switch {
	case e.Source == sourceStates && e.DetailType == detailExecutionStatus:
		return parseExecution(e)
	case e.Source == sourceBatch && e.DetailType == detailBatchJobState:
		return parseJob(e)
	}
	return nil, fmt.Errorf("event %s (%s, %q): %w", e.ID, e.Source, e.DetailType, ErrUnknownEvent)
}

func parseExecution(e envelope) (ExecutionEvent, error) {
	var d struct {
		ExecutionArn, StateMachineArn, Name, Status string
		StartDate, StopDate                         *int64
		Input, Output, Error, Cause                 *string
		RedriveCount                                int
	}
	if err := json.Unmarshal(e.Detail, &d); err != nil {
		return ExecutionEvent{}, fmt.Errorf("event %s: execution detail: %w", e.ID, err)
	}
	if d.ExecutionArn == "" || d.Status == "" {
		return ExecutionEvent{}, fmt.Errorf("event %s: execution detail without executionArn or status", e.ID)
	}
	return ExecutionEvent{EventID: e.ID, Time: e.Time, ExecutionARN: d.ExecutionArn, StateMachineARN: d.StateMachineArn,
		Name: d.Name, Status: d.Status, Started: millis(d.StartDate), Stopped: millis(d.StopDate),
		Input: deref(d.Input), Output: deref(d.Output), Error: deref(d.Error), Cause: deref(d.Cause),
		RedriveCount: d.RedriveCount}, nil
}

func parseJob(e envelope) (JobEvent, error) {
	type container struct {
		ExitCode         *int
		LogStreamName    string
		Environment      []struct{ Name, Value string }
		LogConfiguration struct {
			LogDriver string
			Options   map[string]string
		}
	}
	var d struct {
		JobArn, JobName, JobID, JobQueue, Status, StatusReason, JobDefinition string
		Parameters, Tags                                                      map[string]string
		CreatedAt, StartedAt, StoppedAt                                       *int64
		Container                                                             container
		Attempts                                                              []struct {
			Container            container
			StartedAt, StoppedAt *int64
			StatusReason         string
		}
	}
	if err := json.Unmarshal(e.Detail, &d); err != nil {
		return JobEvent{}, fmt.Errorf("event %s: job detail: %w", e.ID, err)
	}
	if d.JobID == "" || d.Status == "" {
		return JobEvent{}, fmt.Errorf("event %s: job detail without jobId or status", e.ID)
	}
	j := JobEvent{EventID: e.ID, Time: e.Time, JobID: d.JobID, JobARN: d.JobArn, JobName: d.JobName, JobQueue: d.JobQueue,
		Status: d.Status, StatusReason: d.StatusReason, JobDefinition: d.JobDefinition, Parameters: d.Parameters, Tags: d.Tags,
		Created: millis(d.CreatedAt), Started: millis(d.StartedAt), Stopped: millis(d.StoppedAt),
		ExitCode: d.Container.ExitCode, LogStream: d.Container.LogStreamName}
	if c := d.Container.LogConfiguration; c.LogDriver == "awslogs" {
		j.LogGroup = c.Options["awslogs-group"]
	}
	for _, nv := range d.Container.Environment {
		if j.Environment == nil {
			j.Environment = map[string]string{}
		}
		j.Environment[nv.Name] = nv.Value
	}
	for _, a := range d.Attempts {
		j.Attempts = append(j.Attempts, JobAttempt{Started: millis(a.StartedAt), Stopped: millis(a.StoppedAt),
			ExitCode: a.Container.ExitCode, LogStream: a.Container.LogStreamName, Reason: a.StatusReason})
	}
	return j, nil
}

// millis turns an event's epoch milliseconds into a time; nil is zero.
func millis(ms *int64) time.Time {
	if ms == nil || *ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(*ms).UTC()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
