package ingest

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// ListAPI is the part of the Step Functions client CatchUp calls;
// *sfn.Client implements it.
type ListAPI interface {
	ListExecutions(ctx context.Context, in *sfn.ListExecutionsInput, opts ...func(*sfn.Options)) (*sfn.ListExecutionsOutput, error)
}

// listPage is ListExecutions' largest page (Step Functions API
// reference, ListExecutions: MaxResults up to 1000).
const listPage = 1000

// ConsistencyMargin is how far before the cursor the next listing
// starts: ListExecutions "is eventually consistent" (its API reference),
// so an execution that started just before the newest one listed may
// not be listed yet. How long it may lag is not documented: five
// minutes is assumed.
const ConsistencyMargin = 5 * time.Minute

// CatchUp finds, by listing, the executions whose events were lost.
type CatchUp struct {
	API  ListAPI
	Sink RunSink
}

// StateMachine writes every execution of the state machine arn that
// started at or after since (ListExecutions lists the newest first: it
// stops at the first page reaching older ones) and returns the next
// since: the start of the oldest execution still running, so that its
// end is listed next time too, else the start of the newest execution
// listed, else since itself; the first two ConsistencyMargin earlier. A
// zero since lists them all. The executions
// are written with what the listing says of them (status, start, stop,
// name, redrive count); their input, output, error and cause come with
// their events or a DescribeExecution. It fails on the first failed call
// or write, returning since unchanged.
func (c *CatchUp) StateMachine(ctx context.Context, arn string, since time.Time) (time.Time, error) {
	in := &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn), MaxResults: listPage}
	var oldestRunning, newest time.Time
	for {
		page, err := c.API.ListExecutions(ctx, in)
		if err != nil {
			return since, awsapi.StepFunctions().Classify("list executions "+arn, err)
		}
		older := false
		for _, x := range page.Executions {
			started := aws.ToTime(x.StartDate)
			if started.Before(since) {
				older = true
				break
			}
			e := ExecutionEvent{ExecutionARN: aws.ToString(x.ExecutionArn), StateMachineARN: arn, Name: aws.ToString(x.Name),
				Status: string(x.Status), Started: started, Stopped: aws.ToTime(x.StopDate), RedriveCount: int(aws.ToInt32(x.RedriveCount))}
			if err := c.Sink.UpsertExecution(ctx, e); err != nil {
				return since, err
			}
			if started.After(newest) {
				newest = started
			}
			if e.Status == "RUNNING" && (oldestRunning.IsZero() || started.Before(oldestRunning)) {
				oldestRunning = started
			}
		}
		if older || aws.ToString(page.NextToken) == "" {
			break
		}
		in.NextToken = page.NextToken
	}
	next := since
	switch {
	case !oldestRunning.IsZero():
		next = oldestRunning.Add(-ConsistencyMargin)
	case !newest.IsZero():
		next = newest.Add(-ConsistencyMargin)
	}
	if next.Before(since) {
		next = since
	}
	return next, nil
}
