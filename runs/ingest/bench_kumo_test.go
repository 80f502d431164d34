package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/runs/ingest"
)

// BenchmarkIngestCallsPerRun counts the SQS calls that ingesting one run
// of a five-step pipeline costs (32 events: the execution's two, six
// state changes of each step's Batch job), against kumo: "burst" when
// the run's events are all in the queue at once (batches of ten, as when
// many runs or foreach copies are busy), "trickle" when each event is
// received on its own (a lone run whose events come one by one). (A short poll may also find nothing
// while messages wait; such receives are counted too.)
func BenchmarkIngestCallsPerRun(b *testing.B) {
	for _, mode := range []string{"burst", "trickle"} {
		b.Run(mode, func(b *testing.B) {
			plain, counted, calls, url := queue(b, "3")
			d := &ingest.Drainer{API: counted, QueueURL: url, Sink: newSink(), Wait: 1}
			events := 0
			for i := 0; b.Loop(); i++ {
				run := runEvents(b, fmt.Sprintf("run-%d", i), 5)
				events += len(run)
				if mode == "burst" {
					send(b, plain, url, run)
					drain(b, d, len(run))
					continue
				}
				for _, e := range run {
					send(b, plain, url, []string{e})
					drain(b, d, 1)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(calls.Calls("SQS", "ReceiveMessage"))/n, "receives/run")
			b.ReportMetric(float64(calls.Calls("SQS", "DeleteMessageBatch"))/n, "deletes/run")
			b.ReportMetric(float64(events)/n, "events/run")
		})
	}
}

// TestForConfigKumo builds the drainer and the catch-up from an
// environment's configuration: the queue is found by name; a queue not
// applied yet is not found, by kind.
func TestForConfigKumo(t *testing.T) {
	srv := kumotest.Start(t)
	ctx := context.Background()
	_, _, err := ingest.ForConfig(ctx, srv.Config, "churn-dev-runs", newSink(), nil)
	if sluice.KindOf(err) != sluice.KindNotFound {
		t.Errorf("no queue yet: %v (kind %q), want not found", err, sluice.KindOf(err))
	}
	out, err := sqs.NewFromConfig(srv.Config).CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: ptr("churn-dev-runs")})
	if err != nil {
		t.Fatal(err)
	}
	d, c, err := ingest.ForConfig(ctx, srv.Config, "churn-dev-runs", newSink(), nil)
	if err != nil || d.QueueURL != *out.QueueUrl || c == nil || errors.Is(err, context.Canceled) {
		t.Errorf("ForConfig = %+v, %v; want the drainer of %s", d, err, *out.QueueUrl)
	}
}

func ptr(s string) *string { return &s }
