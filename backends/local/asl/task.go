package asl

import (
	"context"
	"encoding/json"
	"fmt"
)

// Task is one Task state's call as the interpreter hands it to a
// TaskRunner: the state's Resource and its Parameters after input
// processing (paths, intrinsic functions and context object resolved).
type Task struct {
	// Execution is the execution's name ($$.Execution.Name).
	Execution string
	// State is the Task state's name; Path adds the enclosing Map and
	// Parallel states and iteration indexes ("shard.foreach/3/predict").
	State string
	Path  string
	// Resource is the state's Resource field, for example
	// "arn:aws:states:::batch:submitJob.sync".
	Resource string
	// Parameters is the effective input of the task.
	Parameters json.RawMessage
	// Attempt counts from 1; a retried task is handed again with the
	// next number.
	Attempt int
}

// TaskRunner runs the tasks of an execution. RunTask blocks until the
// task has finished (the interpreter enforces TimeoutSeconds through ctx)
// and returns its result. A task that failed returns a *Failure naming
// the ASL error (States.TaskFailed for a job that exited non-zero, or a
// custom error name) so Retry and Catch can match it; any other error is
// treated as States.TaskFailed.
type TaskRunner interface {
	RunTask(ctx context.Context, t Task) (json.RawMessage, error)
}

// Resources gives the interpreter what a Distributed Map reads and
// writes outside the state data: items from an object of the artifact
// store, and the results of its iterations. A *Failure either method
// returns fails the Map state under its own name; any other error fails
// it with States.ItemReaderFailed or States.ResultWriterFailed.
type Resources interface {
	// ReadItems returns the items an ItemReader names: resource is the
	// ItemReader's Resource ("arn:aws:states:::s3:getObject"), params its
	// Parameters after input processing ({"Bucket": ..., "Key": ...}),
	// format its ReaderConfig.InputType ("JSON" when empty).
	ReadItems(ctx context.Context, resource string, params json.RawMessage, format string) ([]json.RawMessage, error)
	// WriteResults stores a Distributed Map's results where its
	// ResultWriter's Parameters point, and returns the Map state's result
	// as Step Functions does (ResultWriterDetails with Bucket and Key).
	WriteResults(ctx context.Context, params json.RawMessage, results []json.RawMessage) (json.RawMessage, error)
}

// Failure is an ASL error: what Retry and Catch match by name, with its
// cause, and what a failed execution reports.
type Failure struct {
	// Name is the error's name: States.TaskFailed, States.Timeout, or a
	// custom name such as "QualityGate".
	Name  string `json:"Error"`
	Cause string `json:"Cause,omitempty"`
}

// Error returns "Name: Cause".
func (f *Failure) Error() string {
	if f.Cause == "" {
		return f.Name
	}
	return fmt.Sprintf("%s: %s", f.Name, f.Cause)
}
