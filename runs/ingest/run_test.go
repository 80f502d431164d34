package ingest_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice/runs/ingest"
)

// flakyQueue fails its first receives with a 5xx, then hands out one
// message, then nothing; it counts the calls.
type flakyQueue struct {
	failures, receives, deletes int
	body                        string
}

func (q *flakyQueue) ReceiveMessage(context.Context, *sqs.ReceiveMessageInput, ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	q.receives++
	if q.failures > 0 {
		q.failures--
		return nil, &smithy.GenericAPIError{Code: "InternalError", Message: "try again"}
	}
	if q.body == "" {
		return &sqs.ReceiveMessageOutput{}, nil
	}
	m := types.Message{Body: aws.String(q.body), ReceiptHandle: aws.String("h"), MessageId: aws.String("m")}
	q.body = ""
	return &sqs.ReceiveMessageOutput{Messages: []types.Message{m}}, nil
}

func (q *flakyQueue) DeleteMessageBatch(context.Context, *sqs.DeleteMessageBatchInput, ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	q.deletes++
	return &sqs.DeleteMessageBatchOutput{}, nil
}

// stopSink cancels the drain once it has written an execution.
type stopSink struct {
	*memSink
	stop context.CancelFunc
}

func (s stopSink) UpsertExecution(ctx context.Context, e ingest.ExecutionEvent) error {
	err := s.memSink.UpsertExecution(ctx, e)
	s.stop()
	return err
}

// TestRunBacksOffAndGoesOn: Run gets past failed receives (backing off
// between them), writes the event that then comes, deletes it, and
// returns the context's error once cancelled.
func TestRunBacksOffAndGoesOn(t *testing.T) {
	body, err := os.ReadFile("testdata/execution-failed.json")
	if err != nil {
		t.Fatal(err)
	}
	q := &flakyQueue{failures: 3, body: string(body)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := stopSink{memSink: newSink(), stop: cancel}
	d := &ingest.Drainer{API: q, QueueURL: "q", Sink: sink, Wait: -1, Backoff: time.Millisecond}
	if err := d.Run(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if q.receives != 4 || q.deletes != 1 || len(sink.executions) != 1 {
		t.Errorf("%d receives, %d deletes, %d executions; want 3 failed receives, then one with the event, deleted", q.receives, q.deletes, len(sink.executions))
	}
}
