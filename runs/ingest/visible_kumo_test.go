package ingest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/runs/ingest"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

const smKumo = "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-training"

// jobEvent is a Batch job state change of step fit of run, as the
// environment's rule delivers it, with the variables Sluice's state
// machines set on the jobs they submit.
func jobEvent(run, status string) string {
	env := []map[string]string{{"name": "SLUICE_ENVIRONMENT", "value": "dev"}, {"name": "SLUICE_PIPELINE", "value": "training"},
		{"name": "SLUICE_RUN_ID", "value": run}, {"name": "SLUICE_STEP", "value": "fit"}}
	b, _ := json.Marshal(map[string]any{"id": run + "-fit-" + status, "source": "aws.batch", "detail-type": "Batch Job State Change",
		"time": "2026-12-07T10:00:01Z", "detail": map[string]any{"jobId": run + "-job", "status": status,
			"jobArn": "arn:aws:batch:us-east-1:000000000000:job/" + run + "-job", "startedAt": 1796637601000,
			"container": map[string]any{"environment": env, "logStreamName": "fit/default/" + run}}})
	return string(b)
}

// BenchmarkStatusVisible measures how long a step's status change
// takes, from its event in the run events queue, to be what `sluice
// runs show` reads (the run store's Run, as the API calls it): the
// drainer cycles, SQS calls and run store reads and writes it costs, and
// the wall time against kumo's SQS on loopback and the embedded SQLite
// store (synced at every commit). Each run's execution event is drained
// before the timer runs; each iteration then sends one job event (the
// step's job RUNNING) and drains until the store shows it.
func BenchmarkStatusVisible(b *testing.B) {
	plain, counted, calls, url := queue(b, "3")
	store, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "runs.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = store.Close() })
	writes := &countingStore{RunStore: store}
	deployed := map[string]ingest.Deployment{smKumo: {Pipeline: "training", Revision: "abc", SpecHash: "h1"}}
	sink := &ingest.StoreSink{Store: writes, Project: "churn", Environment: "dev",
		Deployed: func(context.Context) (map[string]ingest.Deployment, error) { return deployed, nil }}
	d := &ingest.Drainer{API: counted, QueueURL: url, Sink: sink, Wait: 1}
	ctx := context.Background()
	cycles, receives, reads, puts := 0, 0, 0, 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		run := fmt.Sprintf("run-%d", i)
		send(b, plain, url, runEvents(b, run, 0)[:1])
		drain(b, d, 1)
		before, readsBefore, putsBefore := calls.Calls("SQS", "ReceiveMessage"), writes.reads, writes.puts
		b.StartTimer()
		send(b, plain, url, []string{jobEvent(run, "RUNNING")})
		for {
			cycles++
			if _, err := d.DrainOnce(ctx); err != nil {
				b.Fatal(err)
			}
			r, err := store.Run(ctx, "dev", run)
			if err == nil && len(r.Attempts) == 1 && r.Attempts[0].Status == sluice.ExecutionRunning {
				break
			}
		}
		b.StopTimer()
		receives += calls.Calls("SQS", "ReceiveMessage") - before
		reads, puts = reads+writes.reads-readsBefore, puts+writes.puts-putsBefore
	}
	n := float64(b.N)
	b.ReportMetric(float64(cycles)/n, "cycles/event")
	b.ReportMetric(float64(receives)/n, "receives/event")
	b.ReportMetric(float64(reads)/n, "store-reads/event")
	b.ReportMetric(float64(puts)/n, "store-writes/event")
}

// countingStore counts the sink's reads and writes of the run store.
type countingStore struct {
	sluice.RunStore
	reads, puts int
}

func (c *countingStore) Run(ctx context.Context, env, id string) (sluice.RunDetail, error) {
	c.reads++
	return c.RunStore.Run(ctx, env, id)
}

func (c *countingStore) PutRun(ctx context.Context, r sluice.RunRecord) error {
	c.puts++
	return c.RunStore.PutRun(ctx, r)
}

func (c *countingStore) PutAttempt(ctx context.Context, a sluice.AttemptRecord) error {
	c.puts++
	return c.RunStore.PutAttempt(ctx, a)
}
