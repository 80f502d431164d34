package daemon

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/metrics"
	"github.com/sluice-dev/sluice/runs/ingest"
	"github.com/sluice-dev/sluice/statestore"
)

// IngestConnector builds an AWS environment's run ingestion: the
// drainer of its run events queue (the EventQueue's physical name
// queue) and its catch-up lister, on the clients and shared limiter of
// the environment's AWS configuration (ingest.ForConfig). It fails when
// the queue cannot be found or AWS cannot be reached. rec counts every
// AWS call ingestion makes.
type IngestConnector func(ctx context.Context, env config.Environment, rec awsapi.Recorder, queue string,
	sink ingest.RunSink) (*ingest.Drainer, *ingest.CatchUp, error)

// How long the ingestion of an environment waits before trying again to
// start: while its queue is not in the inventory (a read of the state
// file), and after a failure to reach it on AWS.
const (
	ingestWaitQueue = 5 * time.Second
	ingestRetry     = time.Minute
)

// ingestKey keys an environment's ingestion among what the daemon
// started.
type ingestKey struct{ w *envWorker }

// ingests reports whether the daemon ingests w's runs: it has a run
// store and an ingest connector, and w is on AWS.
func (d *Daemon) ingests(w *envWorker) bool {
	return d.opts.Runs != nil && d.opts.Ingest != nil && w.cfg.Backend == config.BackendAWS
}

// ingest records w's runs in the run store until stop closes: once the
// environment's run events queue is applied, it drains the queue and
// catches up by listing its state machines' executions (ingest.Ingester).
// Until then it looks at the inventory every 5 seconds; after a failure
// to reach the queue it tries again every minute.
func (d *Daemon) ingest(ctx context.Context, stop <-chan struct{}, w *envWorker) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	env := w.key()
	log := d.log.With("env", env)
	waiting := ""
	for ctx.Err() == nil {
		project, queue, err := d.runEventsQueue(env)
		if err == nil && queue != "" {
			sink := &ingest.StoreSink{Store: d.opts.Runs, Project: project, Environment: w.cfg.Name,
				Deployed: func(context.Context) (map[string]ingest.Deployment, error) { return d.deployed(env) },
				Ended:    runEnds{m: d.metrics}}
			var drainer *ingest.Drainer
			var catchUp *ingest.CatchUp
			drainer, catchUp, err = d.opts.Ingest(ctx, w.cfg, d.metrics, queue, countingSink{sink: sink, env: env, m: d.metrics, now: d.opts.Clock})
			if err == nil {
				drainer.Log = log
				log.Info("recording runs from AWS", "queue", queue)
				g := &ingest.Ingester{Drainer: drainer, CatchUp: catchUp, Interval: d.opts.IngestInterval, Log: log,
					StateMachines: func(context.Context) ([]string, error) { return d.stateMachines(env) }}
				_ = g.Run(ctx)
				return
			}
		}
		why, wait := "the run events queue is not applied yet", ingestWaitQueue
		if err != nil {
			why, wait = err.Error(), ingestRetry
		}
		if why != waiting {
			log.Warn("runs on AWS not recorded yet", "reason", why, "retry", wait.String())
			waiting = why
		}
		c, stopTimer := d.opts.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-c:
		}
		stopTimer()
	}
}

// runEventsQueue returns the project and the physical name of env's run
// events queue from its inventory; an empty name when it has none.
func (d *Daemon) runEventsQueue(env string) (project, queue string, err error) {
	recs, err := d.inventory(env)
	for _, r := range recs {
		if r.Type == sluice.TypeEventQueue {
			_, project, _ = strings.Cut(string(r.ID), "/")
			return project, r.Name, nil
		}
	}
	return "", "", err
}

// deployed returns env's state machines by ARN, with what was last
// applied to them.
func (d *Daemon) deployed(env string) (map[string]ingest.Deployment, error) {
	recs, err := d.inventory(env)
	if err != nil {
		return nil, err
	}
	out := map[string]ingest.Deployment{}
	for _, r := range recs {
		if r.Type == sluice.TypeStateMachine && r.ARN != "" {
			_, pipeline, _ := strings.Cut(string(r.ID), "/")
			out[r.ARN] = ingest.Deployment{Pipeline: pipeline, Revision: r.Revision, SpecHash: r.SpecHash, Applied: r.UpdatedAt}
		}
	}
	return out, nil
}

// stateMachines returns the ARNs of env's deployed state machines.
func (d *Daemon) stateMachines(env string) ([]string, error) {
	deps, err := d.deployed(env)
	out := make([]string, 0, len(deps))
	for arn := range deps {
		out = append(out, arn)
	}
	return out, err
}

// inventory reads env's inventory from the state file.
func (d *Daemon) inventory(env string) ([]statestore.Record, error) {
	var recs []statestore.Record
	err := d.store.View(func(tx *statestore.Tx) error {
		var err error
		recs, err = tx.Resources(env)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("environment %s's inventory: %w", env, err)
	}
	return recs, nil
}

// countingSink counts each event written or failed, and sets the
// ingestion lag from the events that say when they happened.
type countingSink struct {
	sink ingest.RunSink
	env  string
	m    *metrics.Metrics
	now  func() time.Time
}

func (s countingSink) UpsertExecution(ctx context.Context, e ingest.ExecutionEvent) error {
	return s.count(e.Time, s.sink.UpsertExecution(ctx, e))
}

func (s countingSink) UpsertJob(ctx context.Context, e ingest.JobEvent) error {
	return s.count(e.Time, s.sink.UpsertJob(ctx, e))
}

func (s countingSink) count(at time.Time, err error) error {
	if err != nil {
		s.m.RunEvent(s.env, metrics.RunEventFailed)
		return err
	}
	s.m.RunEvent(s.env, metrics.RunEventWritten)
	if !at.IsZero() {
		s.m.SetRunIngestLag(s.env, max(s.now().Sub(at), 0))
	}
	return nil
}
