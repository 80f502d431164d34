package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice"
)

// storedRuns reads the run pages from the run store, so that runs
// outlive the daemon's process on the pages too; a run the store has no
// record of (an environment on AWS, whose runs are not recorded yet) is
// read from the runs the daemon started and keeps in memory.
type storedRuns struct {
	d   *Daemon
	mem memoryRuns
}

func (s storedRuns) Run(ctx context.Context, env, pipeline, name string) (Run, error) {
	if s.d.recordsRuns(env) {
		r, err := s.d.RecordedRun(ctx, env, name)
		if id, ok := onlyOf(err, pipeline); ok { // the name is unique within the pipeline
			r, err = s.d.RecordedRun(ctx, env, id)
		}
		switch {
		case err == nil && r.Pipeline != pipeline:
			return Run{}, fmt.Errorf("%w: run %s is a run of %s, not of %s", ErrNotFound, name, r.Pipeline, pipeline)
		case err == nil:
			return Run{Environment: env, Pipeline: pipeline, Execution: executionOf(r).Redacted(s.d.redact.String)}, nil
		case !errors.Is(err, ErrNotFound):
			return Run{}, err
		}
	}
	return s.mem.Run(ctx, env, pipeline, name)
}

// executionOf returns a recorded run as an execution: its attempts as
// steps, its parameters as the input and the outputs its steps wrote,
// by step path, as the output.
func executionOf(r sluice.RunDetail) sluice.Execution {
	e := sluice.Execution{ID: r.ID, Name: r.Name, Status: r.Status, Started: r.Started, Stopped: r.Stopped,
		Error: r.Error, Cause: r.Cause}
	if len(r.Parameters) > 0 {
		e.Input, _ = json.Marshal(map[string]json.RawMessage{"parameters": r.Parameters})
	}
	outputs := map[string]json.RawMessage{}
	for _, a := range r.Attempts {
		e.Steps = append(e.Steps, sluice.StepRun{State: a.Step, Path: a.Path, Status: a.Status, Attempt: a.Attempt,
			Started: a.Started, Stopped: a.Stopped, Error: a.Error, Cause: a.Cause, Log: a.Log,
			OriginRun: a.OriginRun, OriginAttempt: a.OriginAttempt})
		if len(a.Outputs) > 0 {
			outputs[a.Path] = a.Outputs
		}
	}
	if len(outputs) > 0 {
		e.Output, _ = json.Marshal(outputs)
	}
	return e
}

// pageRuns returns the newest runs of env (of pipeline, when not "")
// from the run store when it records env's runs, else fallback (the
// runs kept in memory).
func (d *Daemon) pageRuns(ctx context.Context, env, pipeline string, fallback []RunSummary) []RunSummary {
	if !d.recordsRuns(env) {
		return fallback
	}
	recs, err := d.RecordedRuns(ctx, env, sluice.RunFilter{Pipeline: pipeline, Limit: maxRunsShown})
	if err != nil {
		d.log.Warn("runs not read from the run store", "env", env, "err", err)
		return fallback
	}
	out := make([]RunSummary, 0, len(recs))
	for _, r := range recs {
		out = append(out, RunSummary{Pipeline: r.Pipeline, Name: r.Name, Status: r.Status, Started: r.Started})
	}
	return out
}

// onlyOf returns the id of the run of pipeline an ambiguous name
// names, when it names only one of pipeline's runs.
func onlyOf(err error, pipeline string) (string, bool) {
	var many *AmbiguousRun
	if !errors.As(err, &many) {
		return "", false
	}
	id, n := "", 0
	for _, r := range many.Runs {
		if r.Pipeline == pipeline {
			id, n = r.ID, n+1
		}
	}
	return id, n == 1
}
