package ingest

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// RunSink is where ingested runs are written: the run store, through an
// adapter. Both methods must be idempotent and keep the newest status
// (see the package documentation); an error leaves the event in the
// queue, to be delivered again.
type RunSink interface {
	UpsertExecution(ctx context.Context, e ExecutionEvent) error
	UpsertJob(ctx context.Context, e JobEvent) error
}

// QueueAPI is the part of the SQS client the Drainer calls; *sqs.Client
// implements it.
type QueueAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// Receive settings: SQS's longest long poll and largest batch (SQS API
// reference, ReceiveMessage), so that an idle queue costs three calls a
// minute and a busy one a call per ten events.
const (
	DefaultWait  = 20
	maxMessages  = 10
	backoffFirst = time.Second
	backoffMax   = time.Minute
)

// Drainer drains one event queue into a RunSink.
type Drainer struct {
	API      QueueAPI
	QueueURL string
	Sink     RunSink
	Log      *slog.Logger
	// Wait is ReceiveMessage's WaitTimeSeconds: DefaultWait when 0;
	// negative for no wait (tests).
	Wait int
	// Backoff is Run's first delay after a failure (one second when
	// 0), doubled after each failure in a row up to a minute.
	Backoff time.Duration
}

// Drained counts what one DrainOnce did.
type Drained struct {
	// Written are the events written to the sink and deleted.
	Written int
	// Dropped are messages that are not run events (a body that is not
	// an event, another kind of event): logged and deleted, as no
	// delivery will ever make them one.
	Dropped int
	// Kept are events the sink failed to write: left in the queue to
	// come back after its visibility timeout.
	Kept int
}

// DrainOnce receives one batch (up to ten messages, waiting up to Wait
// seconds for the first), writes each event to the sink, and deletes in
// one call the messages written or dropped. It fails when the receive
// or the delete fails, with awsapi's classification; a message not
// deleted comes back, and writing it again changes nothing.
func (d *Drainer) DrainOnce(ctx context.Context) (Drained, error) {
	wait := int32(DefaultWait)
	if d.Wait != 0 {
		wait = int32(max(d.Wait, 0))
	}
	out, err := d.API.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &d.QueueURL,
		MaxNumberOfMessages: maxMessages, WaitTimeSeconds: wait})
	if err != nil {
		return Drained{}, awsapi.SQS().Classify("receive run events", err)
	}
	var n Drained
	var done []types.DeleteMessageBatchRequestEntry
	for i, m := range out.Messages {
		switch err := d.write(ctx, []byte(aws.ToString(m.Body))); {
		case err == nil:
			n.Written++
		case errors.Is(err, errDrop):
			n.Dropped++
		default:
			n.Kept++
			d.logger().Warn("run event not written; it will be delivered again", "message", aws.ToString(m.MessageId), "err", err)
			continue
		}
		done = append(done, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
	}
	return n, d.delete(ctx, done)
}

// errDrop marks a message that is not a run event.
var errDrop = errors.New("not a run event")

// write parses body and writes its event; a body that is no run event
// is logged and errDrop returned.
func (d *Drainer) write(ctx context.Context, body []byte) error {
	ev, err := Parse(body)
	if err != nil {
		d.logger().Warn("message in the run events queue is not a run event: dropped", "err", err)
		return errDrop
	}
	switch ev := ev.(type) {
	case ExecutionEvent:
		return d.Sink.UpsertExecution(ctx, ev)
	case JobEvent:
		return d.Sink.UpsertJob(ctx, ev)
	}
	return errDrop
}

// delete deletes the messages done in one call; entries SQS failed to
// delete are logged (they come back and are written again, harmlessly).
func (d *Drainer) delete(ctx context.Context, done []types.DeleteMessageBatchRequestEntry) error {
	if len(done) == 0 {
		return nil
	}
	out, err := d.API.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &d.QueueURL, Entries: done})
	if err != nil {
		return awsapi.SQS().Classify("delete run events", err)
	}
	for _, f := range out.Failed {
		d.logger().Warn("run event written but not deleted; it will be delivered again", "code", aws.ToString(f.Code), "message", aws.ToString(f.Message))
	}
	return nil
}

// Run drains the queue until ctx is done, backing off (Backoff,
// doubling up to a minute) after a failed receive or delete. It returns
// ctx's error.
func (d *Drainer) Run(ctx context.Context) error {
	first := d.Backoff
	if first <= 0 {
		first = backoffFirst
	}
	backoff := first
	for {
		if _, err := d.DrainOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			d.logger().Warn("draining run events failed; backing off", "after", backoff, "err", err)
			t := time.NewTimer(backoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
			backoff = min(backoff*2, backoffMax)
			continue
		}
		backoff = first
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

func (d *Drainer) logger() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log.With("component", "ingest", "queue", d.QueueURL)
}
