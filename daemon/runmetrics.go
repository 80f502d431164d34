package daemon

import (
	"context"
	"sync"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/metrics"
)

// RunWriter is the writing half of the run store, as a backend that
// records its own runs as they happen (the local backend) writes it.
type RunWriter interface {
	PutRun(ctx context.Context, r sluice.RunRecord) error
	PutAttempt(ctx context.Context, a sluice.AttemptRecord) error
	PutArtifacts(ctx context.Context, as []sluice.ArtifactRecord) error
}

// CountingRuns returns w counting what it records in the daemon's
// metrics: each run written with a final status in
// sluice_executions_total, each step attempt written with a final status
// in sluice_step_duration_seconds. It fits a backend that writes a run's
// or an attempt's end once, as the local backend does; runs on AWS are
// counted by ingestion, from the events that end them.
func (d *Daemon) CountingRuns(w RunWriter) RunWriter {
	return &countingRuns{RunWriter: w, m: d.metrics, runs: map[string]sluice.RunRecord{}}
}

// countingRuns is the RunWriter CountingRuns returns. It remembers the
// runs in progress, to label their attempts with pipeline and
// environment.
type countingRuns struct {
	RunWriter
	m    *metrics.Metrics
	mu   sync.Mutex
	runs map[string]sluice.RunRecord
}

func (c *countingRuns) PutRun(ctx context.Context, r sluice.RunRecord) error {
	if err := c.RunWriter.PutRun(ctx, r); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Status == sluice.ExecutionRunning {
		c.runs[r.ID] = r
		return nil
	}
	delete(c.runs, r.ID)
	c.m.Execution(r.Environment, r.Pipeline, r.Status)
	return nil
}

func (c *countingRuns) PutAttempt(ctx context.Context, a sluice.AttemptRecord) error {
	if err := c.RunWriter.PutAttempt(ctx, a); err != nil {
		return err
	}
	c.mu.Lock()
	r, ok := c.runs[a.RunID]
	c.mu.Unlock()
	if ok && a.Status != sluice.ExecutionRunning {
		observeAttempt(c.m, r, a)
	}
	return nil
}

// observeAttempt observes the duration of the attempt a of run r that
// ended, when it says when it started and stopped.
func observeAttempt(m *metrics.Metrics, r sluice.RunRecord, a sluice.AttemptRecord) {
	if a.Started.IsZero() || a.Stopped.IsZero() {
		return
	}
	m.StepEnded(r.Environment, r.Pipeline, a.Step, a.Status, a.Stopped.Sub(a.Started))
}

// runEnds counts, from ingestion on AWS, the runs and step attempts of
// an environment that end, whoever started them (ingest.EndObserver).
type runEnds struct {
	m *metrics.Metrics
}

func (e runEnds) RunEnded(r sluice.RunRecord) { e.m.Execution(r.Environment, r.Pipeline, r.Status) }

func (e runEnds) AttemptEnded(r sluice.RunRecord, a sluice.AttemptRecord) { observeAttempt(e.m, r, a) }
