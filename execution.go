package sluice

import (
	"context"
	"encoding/json"
	"time"
)

// Execution statuses, as Step Functions names them.
const (
	ExecutionRunning   = "RUNNING"
	ExecutionSucceeded = "SUCCEEDED"
	ExecutionFailed    = "FAILED"
	ExecutionTimedOut  = "TIMED_OUT"
	ExecutionAborted   = "ABORTED"
)

// Execution is one run of a pipeline's state machine, on whichever
// backend runs it.
type Execution struct {
	// ID identifies the execution on its backend (an execution ARN).
	ID string `json:"id"`
	// Name is the execution's name: the run id steps see.
	Name string `json:"name"`
	// StateMachine is the ARN of the state machine it runs.
	StateMachine string `json:"stateMachine"`
	// Status is one of the Execution* constants.
	Status  string    `json:"status"`
	Started time.Time `json:"started"`
	Stopped time.Time `json:"stopped,omitzero"`
	// Error and Cause say why a failed execution failed.
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
	// Steps are the task states run so far, in the order they started.
	Steps  []StepRun       `json:"steps,omitempty"`
	Input  json.RawMessage `json:"input,omitempty"`
	Output json.RawMessage `json:"output,omitempty"`
}

// Done reports whether the execution has ended.
func (e Execution) Done() bool { return e.Status != ExecutionRunning && e.Status != "" }

// StepRun is one run of one task state (a step, or one copy of a step
// inside a foreach).
type StepRun struct {
	// State is the task state's name (the step's name); Path adds the
	// enclosing foreach and split states and iteration indexes.
	State string `json:"state"`
	Path  string `json:"path,omitempty"`
	// Status is RUNNING, SUCCEEDED or FAILED.
	Status  string    `json:"status"`
	Attempt int       `json:"attempt,omitempty"`
	Started time.Time `json:"started"`
	Stopped time.Time `json:"stopped,omitzero"`
	Error   string    `json:"error,omitempty"`
	Cause   string    `json:"cause,omitempty"`
	// Log is where the step's output can be read: a file of the local
	// backend, or a CloudWatch Logs stream on AWS.
	Log string `json:"log,omitempty"`
	// OriginRun and OriginAttempt, when set, say that the attempt ran
	// nothing: it reused attempt OriginAttempt of the same path in run
	// OriginRun (an ID), as the run store records it.
	OriginRun     string `json:"originRun,omitempty"`
	OriginAttempt int    `json:"originAttempt,omitempty"`
}

// Runner starts and follows executions of deployed state machines.
type Runner interface {
	// StartExecution starts the state machine stateMachine (an ARN) with
	// the execution name name and input, and returns its ID without
	// waiting for it to end. It fails when the state machine does not
	// exist or the name was used before.
	StartExecution(ctx context.Context, stateMachine, name string, input json.RawMessage) (string, error)
	// DescribeExecution returns the execution's current state, its steps
	// included. It fails with a *sluice.Error of KindNotFound for an
	// unknown ID.
	DescribeExecution(ctx context.Context, id string) (Execution, error)
}

// Redacted returns e with mask applied to everything a step may have
// printed or returned: the errors and causes (a failed job's cause holds
// its log's last lines) of the execution and its steps, its input and
// its output. mask must keep JSON text JSON (replace whole escaped
// values), as a redactor does. A nil mask returns e.
func (e Execution) Redacted(mask func(string) string) Execution {
	if mask == nil {
		return e
	}
	e.Error, e.Cause = mask(e.Error), mask(e.Cause)
	if len(e.Input) > 0 {
		e.Input = json.RawMessage(mask(string(e.Input)))
	}
	if len(e.Output) > 0 {
		e.Output = json.RawMessage(mask(string(e.Output)))
	}
	steps := make([]StepRun, len(e.Steps))
	for i, s := range e.Steps {
		s.Error, s.Cause = mask(s.Error), mask(s.Cause)
		steps[i] = s
	}
	if e.Steps != nil {
		e.Steps = steps
	}
	return e
}
