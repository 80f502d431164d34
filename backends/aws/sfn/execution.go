package sfn

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// ExecutionAPI is the part of the Step Functions client Executions calls;
// *sfn.Client implements it.
type ExecutionAPI interface {
	StartExecution(ctx context.Context, in *sfn.StartExecutionInput, opts ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	DescribeExecution(ctx context.Context, in *sfn.DescribeExecutionInput, opts ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
	GetExecutionHistory(ctx context.Context, in *sfn.GetExecutionHistoryInput, opts ...func(*sfn.Options)) (*sfn.GetExecutionHistoryOutput, error)
}

// Executions starts and follows executions of deployed state machines on
// Step Functions.
type Executions struct {
	api ExecutionAPI
}

var _ sluice.Runner = (*Executions)(nil)

// NewExecutions returns Executions calling api.
func NewExecutions(api ExecutionAPI) *Executions { return &Executions{api: api} }

// StartExecution starts stateMachine (an ARN) as the execution name (none
// lets Step Functions pick one) with input (none is "{}") and returns the
// execution's ARN. Starting again
// the same name with the same input while it runs returns the same ARN,
// as Step Functions does. It fails with a *sluice.Error of KindConflict
// when the name was used before otherwise, KindNotFound when the state
// machine does not exist or is being deleted, KindInvalid for a bad name
// or input, and KindTransient or KindPermission as the service answers.
func (x *Executions) StartExecution(ctx context.Context, stateMachine, name string, input json.RawMessage) (string, error) {
	in := &sfn.StartExecutionInput{StateMachineArn: &stateMachine, Input: aws.String("{}")}
	if name != "" {
		in.Name = &name
	}
	if len(input) > 0 {
		in.Input = aws.String(string(input))
	}
	out, err := x.api.StartExecution(ctx, in)
	if err != nil {
		return "", executionError("sfn.StartExecution", name, err)
	}
	return aws.ToString(out.ExecutionArn), nil
}

// DescribeExecution returns the execution id (an execution ARN): its
// status, dates, input and output, error and cause, and the task states
// its history records as Steps. It fails with a *sluice.Error of
// KindNotFound for an unknown execution, KindInvalid for an ARN that is
// not one, and KindTransient or KindPermission as the service answers.
func (x *Executions) DescribeExecution(ctx context.Context, id string) (sluice.Execution, error) {
	out, err := x.api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &id})
	if err != nil {
		return sluice.Execution{}, executionError("sfn.DescribeExecution", id, err)
	}
	e := execution(out)
	events, err := x.history(ctx, id)
	if err != nil {
		return sluice.Execution{}, executionError("sfn.GetExecutionHistory", id, err)
	}
	e.Steps = foldSteps(events, logPlaceOf(id))
	return e, nil
}

// execution converts DescribeExecution's answer.
func execution(out *sfn.DescribeExecutionOutput) sluice.Execution {
	e := sluice.Execution{
		ID: aws.ToString(out.ExecutionArn), Name: aws.ToString(out.Name),
		StateMachine: aws.ToString(out.StateMachineArn), Status: status(out.Status),
		Started: aws.ToTime(out.StartDate), Stopped: aws.ToTime(out.StopDate),
		Error: aws.ToString(out.Error), Cause: aws.ToString(out.Cause),
	}
	if out.Input != nil && json.Valid([]byte(*out.Input)) {
		e.Input = json.RawMessage(*out.Input)
	}
	if out.Output != nil && json.Valid([]byte(*out.Output)) {
		e.Output = json.RawMessage(*out.Output)
	}
	return e
}

// status maps an execution status to sluice's: an execution waiting to
// be redriven is about to run again, so it is running.
func status(s types.ExecutionStatus) string {
	if s == types.ExecutionStatusPendingRedrive {
		return sluice.ExecutionRunning
	}
	return string(s)
}

// maxHistoryPages bounds the GetExecutionHistory calls of one
// DescribeExecution. Step Functions ends an execution at 25,000 history
// events, 25 pages of historyPageSize, so the bound is reached only by a
// service that never stops answering with a nextToken; the steps are then
// those of the pages read.
const maxHistoryPages = 30

// historyPageSize is the largest page GetExecutionHistory gives.
const historyPageSize = 1000

// history reads execution id's events, oldest first.
func (x *Executions) history(ctx context.Context, id string) ([]types.HistoryEvent, error) {
	in := &sfn.GetExecutionHistoryInput{ExecutionArn: &id, MaxResults: historyPageSize, ReverseOrder: false}
	var events []types.HistoryEvent
	for range maxHistoryPages {
		out, err := x.api.GetExecutionHistory(ctx, in)
		if err != nil {
			return nil, err
		}
		events = append(events, out.Events...)
		if aws.ToString(out.NextToken) == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	return events, nil
}

// executionError wraps err from op on what with the kind awsapi's Step
// Functions table gives its code, except that a state machine being
// deleted is, for running it, one that is not found.
func executionError(op, what string, err error) error {
	k := awsapi.StepFunctions().KindOf(err)
	if errorCode(err) == codeDeleting {
		k = sluice.KindNotFound
	}
	return sluice.E(op, k, fmt.Errorf("%s: %w", what, err))
}
