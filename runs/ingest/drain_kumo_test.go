package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/runs/ingest"
)

// queue starts kumo, makes a queue with the given visibility timeout and
// returns a plain client, a client counted by the returned Counter and
// kept to a Limiter as the daemon's are, and the queue's URL.
func queue(t testing.TB, visibility string) (*sqs.Client, *sqs.Client, *awsapi.Counter, string) {
	t.Helper()
	srv := kumotest.Start(t)
	plain := sqs.NewFromConfig(srv.Config)
	out, err := plain.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("churn-dev-runs"),
		Attributes: map[string]string{"VisibilityTimeout": visibility}})
	if err != nil {
		t.Fatal(err)
	}
	var calls awsapi.Counter
	cfg := srv.Config.Copy()
	awsapi.Instrument(&cfg, &calls, awsapi.NewLimiter(nil))
	return plain, sqs.NewFromConfig(cfg), &calls, aws.ToString(out.QueueUrl)
}

// runEvents returns the events of one run of a pipeline of steps steps
// as EventBridge delivers them: the execution's RUNNING, each step's
// Batch job through its six states, the execution's SUCCEEDED.
func runEvents(t testing.TB, run string, steps int) []string {
	t.Helper()
	sm := "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-training"
	exec := func(status string, stop any) string {
		b, _ := json.Marshal(map[string]any{"id": run + "-" + status, "source": "aws.states",
			"detail-type": "Step Functions Execution Status Change", "time": "2026-12-07T10:00:00Z",
			"detail": map[string]any{"executionArn": "arn:aws:states:us-east-1:000000000000:execution:churn-dev-training:" + run,
				"stateMachineArn": sm, "name": run, "status": status, "startDate": 1796637600000, "stopDate": stop}})
		return string(b)
	}
	events := []string{exec("RUNNING", nil)}
	for s := range steps {
		for _, status := range []string{"SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"} {
			b, _ := json.Marshal(map[string]any{"id": fmt.Sprintf("%s-%d-%s", run, s, status), "source": "aws.batch",
				"detail-type": "Batch Job State Change", "time": "2026-12-07T10:00:01Z",
				"detail": map[string]any{"jobId": fmt.Sprintf("%s-job-%d", run, s), "jobName": fmt.Sprintf("step-%d", s),
					"jobQueue": "arn:aws:batch:us-east-1:000000000000:job-queue/churn-dev-cpu", "status": status}})
			events = append(events, string(b))
		}
	}
	return append(events, exec("SUCCEEDED", 1796637660000))
}

// send puts bodies in the queue, ten a call.
func send(t testing.TB, c *sqs.Client, url string, bodies []string) {
	t.Helper()
	for i := 0; i < len(bodies); i += 10 {
		var entries []types.SendMessageBatchRequestEntry
		for j, b := range bodies[i:min(i+10, len(bodies))] {
			entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(j)), MessageBody: aws.String(b)})
		}
		out, err := c.SendMessageBatch(context.Background(), &sqs.SendMessageBatchInput{QueueUrl: &url, Entries: entries})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Failed) > 0 || len(out.Successful) != len(entries) {
			t.Fatalf("sent %d of %d messages: %+v", len(out.Successful), len(entries), out.Failed)
		}
	}
}

// drain drains until want messages were written or dropped, and returns
// the totals. A receive may find nothing while messages wait (an SQS
// short poll samples the queue's servers, and kumo's can answer empty
// too): it decides by the count, not by an empty answer.
func drain(t testing.TB, d *ingest.Drainer, want int) ingest.Drained {
	t.Helper()
	var total ingest.Drained
	for range 200 {
		n, err := d.DrainOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		total.Written, total.Dropped, total.Kept = total.Written+n.Written, total.Dropped+n.Dropped, total.Kept+n.Kept
		if total.Written+total.Dropped >= want {
			return total
		}
	}
	t.Fatalf("drained %+v, never %d messages", total, want)
	return total
}

// TestDrainKumo drains one run's events and a stray message through
// kumo's SQS: every event is written, the stray one dropped, the queue
// left empty; the calls are counted against a batch of ten per receive
// and one delete per batch.
func TestDrainKumo(t *testing.T) {
	// A receive whose answer is lost (the SDK retries it: seen on a
	// loaded machine) leaves its messages hidden for the visibility
	// timeout, then they come back: a short one keeps the test short,
	// and the drain long-polls a second while it waits for them.
	plain, counted, calls, url := queue(t, "3")
	const steps = 5
	events := runEvents(t, "run-1", steps)
	send(t, plain, url, append(events, string(mustRead(t, "other-event.json"))))
	sink := newSink()
	total := drain(t, &ingest.Drainer{API: counted, QueueURL: url, Sink: sink, Wait: 1}, len(events)+1)
	// At least once: a message back after its visibility timeout while
	// being written would be written twice, harmlessly.
	if total.Written < len(events) || total.Dropped != 1 || total.Kept != 0 {
		t.Errorf("drained %+v, want %d written and 1 dropped (calls %v)", total, len(events), calls.Snapshot())
	}
	x := sink.executions["arn:aws:states:us-east-1:000000000000:execution:churn-dev-training:run-1"]
	if x.Status != "SUCCEEDED" || len(sink.jobs) != steps {
		t.Errorf("execution %s with %d jobs, want SUCCEEDED with %d", x.Status, len(sink.jobs), steps)
	}
	for id, j := range sink.jobs {
		if j.Status != "SUCCEEDED" {
			t.Errorf("job %s: %s, want SUCCEEDED", id, j.Status)
		}
	}
	receives, deletes := calls.Calls("SQS", "ReceiveMessage"), calls.Calls("SQS", "DeleteMessageBatch")
	batches := (len(events) + 1 + 9) / 10
	if deletes < batches || deletes > receives {
		t.Errorf("%d receives and %d deletes for %d messages, want at least %d deletes (a batch of ten), one a receive at most",
			receives, deletes, len(events)+1, batches)
	}
	t.Logf("one run of %d steps: %d events, %d ReceiveMessage, %d DeleteMessageBatch", steps, len(events), receives, deletes)
}

// TestDrainKeepsWhatTheSinkRefused: events the store failed to write
// are not deleted; they come back and are written then.
func TestDrainKeepsWhatTheSinkRefused(t *testing.T) {
	plain, counted, _, url := queue(t, "0")
	events := runEvents(t, "run-2", 1)
	send(t, plain, url, events)
	sink := newSink()
	sink.failures = 3
	d := &ingest.Drainer{API: counted, QueueURL: url, Sink: sink, Wait: -1}
	total := drain(t, d, len(events))
	if total.Kept != 3 || total.Written != len(events) || len(sink.jobs) != 1 {
		t.Errorf("drained %+v with %d jobs recorded, want 3 kept then all %d written", total, len(sink.jobs), len(events))
	}
	if x := sink.executions["arn:aws:states:us-east-1:000000000000:execution:churn-dev-training:run-2"]; x.Status != "SUCCEEDED" {
		t.Errorf("execution: %q, want SUCCEEDED", x.Status)
	}
}
