package daemon

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

// defaultsState is the compiled Pass state that holds the parameters'
// defaults (compile/shapes.go).
const defaultsState = "Sluice.Defaults"

// recordStarted writes a run of an AWS environment the daemon has just
// started to the run store at once, so that it is listed before its
// first event arrives: the revision and spec hash the state machine was
// last applied with, and every parameter, the defaults the deployed
// definition holds merged with the given values. Ingestion later merges
// its events into this record (ingest.StoreSink). A failure is logged:
// the run goes on, and its events record it.
func (d *Daemon) recordStarted(ctx context.Context, w *envWorker, pipeline, id, name string, params map[string]any, started time.Time, reused *reuse) {
	if !d.ingests(w) {
		return
	}
	// The record names the project's environment; the inventory is kept
	// under the daemon's key (REPO/ENV when two repositories share ENV).
	env := w.cfg.Name
	recs, err := d.inventory(w.key())
	if err != nil {
		d.log.Warn("run not recorded at start", "env", env, "run", name, "err", err)
		return
	}
	r := sluice.RunRecord{ID: id, Name: name, Pipeline: pipeline, Environment: env, Backend: "aws",
		Status: sluice.ExecutionRunning, Started: started.UTC()}
	if reused != nil {
		r.Origin = reused.origin
	}
	for _, rec := range recs {
		switch {
		case rec.Type == sluice.TypeEventQueue:
			_, r.Project, _ = strings.Cut(string(rec.ID), "/")
		case rec.ID == sluice.ResourceID(string(sluice.TypeStateMachine)+"/"+pipeline):
			r.Revision, r.SpecHash = rec.Revision, rec.SpecHash
			r.Parameters = allParameters(rec, params)
		}
	}
	if m := d.redact; m != nil {
		r.Parameters = json.RawMessage(m.String(string(r.Parameters)))
	}
	if err := d.opts.Runs.PutRun(ctx, r); err != nil {
		d.log.Warn("run not recorded at start", "env", env, "run", name, "err", err)
	}
}

// allParameters is given merged over the defaults of the deployed state
// machine rec, key by key, as its States.JsonMerge does.
func allParameters(rec statestore.Record, given map[string]any) json.RawMessage {
	var spec struct {
		Definition struct {
			States map[string]struct {
				Result map[string]json.RawMessage `json:"Result"`
			} `json:"States"`
		} `json:"definition"`
	}
	_ = json.Unmarshal(rec.Spec, &spec)
	merged := map[string]any{}
	for k, v := range spec.Definition.States[defaultsState].Result {
		merged[k] = v
	}
	for k, v := range given {
		merged[k] = v
	}
	b, err := json.Marshal(merged)
	if err != nil {
		return nil
	}
	return b
}

// storedRun finds a run of pipeline in env by name in the run store,
// when the daemon has one: a run another daemon process started, or a
// schedule or the console, which the daemon can follow too.
func (d *Daemon) storedRun(ctx context.Context, env, pipeline, name string) (runRecord, bool) {
	if d.opts.Runs == nil {
		return runRecord{}, false
	}
	r, err := d.opts.Runs.Run(ctx, env, name)
	if err != nil || r.Pipeline != pipeline {
		return runRecord{}, false
	}
	return runRecord{env: env, pipeline: pipeline, id: r.ID, started: r.Started, status: r.Status}, true
}
