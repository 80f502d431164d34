package daemon

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/daemon/config"
)

// A run the daemon starts on AWS carries, in its input's "sluice"
// object, what the compiled state machine cannot know: from, the
// top-level step to start at (run --from, run_origin_aws.go), and runs,
// what each step gets as SLUICE_RUNS: for every pipeline deployed in
// the environment, the prefix of its runs' artifacts and its latest
// successful run, as the local backend hands its steps
// (local.PipelineRuns), resolved here from the inventory and the run
// store when the run starts.

// withSluice returns input with its "sluice" object set for a run of an
// AWS environment (input unchanged elsewhere: the local backend hands
// its steps SLUICE_RUNS itself), and the run's parameters as input
// holds them. runs is left out, with a warning, when it would not fit
// the jobs' container overrides beside the parameters (compile.RunsFit).
func (d *Daemon) withSluice(ctx context.Context, w *envWorker, pipeline string, input json.RawMessage, from string) (json.RawMessage, map[string]any) {
	var in map[string]json.RawMessage
	_ = json.Unmarshal(input, &in)
	var params map[string]any
	_ = json.Unmarshal(in["parameters"], &params)
	if w.cfg.Backend != config.BackendAWS || in == nil {
		return input, params
	}
	ctxObj := map[string]any{}
	if from != "" {
		ctxObj["from"] = from
	}
	runs, merged := d.pipelineRuns(ctx, w, pipeline, params)
	if b, err := json.Marshal(runs); err == nil && len(runs) > 0 {
		if size, ok := compile.RunsFit(merged, b); ok {
			ctxObj["runs"] = json.RawMessage(b)
		} else {
			d.log.Warn("SLUICE_RUNS left out of the run: it would not fit the jobs' container overrides",
				"env", w.cfg.Name, "chars", size, "pipelines", len(runs))
		}
	}
	b, err := json.Marshal(ctxObj)
	if err != nil {
		return input, params
	}
	in["sluice"] = b
	out, err := json.Marshal(in)
	if err != nil {
		return input, params
	}
	return out, params
}

// pipelineRuns resolves SLUICE_RUNS for a run of pipeline in w's
// environment: each deployed pipeline's artifacts prefix (from its
// definition) and latest successful run (from the run store, when there
// is one). The second result is the run's parameters, given merged over
// pipeline's deployed defaults, as JSON.
func (d *Daemon) pipelineRuns(ctx context.Context, w *envWorker, pipeline string, given map[string]any) (map[string]local.PipelineRuns, json.RawMessage) {
	recs, err := d.inventory(w.key())
	if err != nil {
		d.log.Warn("SLUICE_RUNS not resolved", "env", w.cfg.Name, "err", err)
		return nil, nil
	}
	project := ""
	for _, rec := range recs {
		if rec.Type == sluice.TypeEventQueue {
			_, project, _ = strings.Cut(string(rec.ID), "/")
		}
	}
	latest := d.latestSucceeded(ctx, w.cfg.Name, project)
	out := map[string]local.PipelineRuns{}
	var merged json.RawMessage
	for _, rec := range recs {
		name, ok := strings.CutPrefix(string(rec.ID), string(sluice.TypeStateMachine)+"/")
		if !ok {
			continue
		}
		if name == pipeline {
			merged = allParameters(rec, given)
		}
		if prefix := local.ArtifactsPrefix(rec.Spec); prefix != "" {
			out[name] = local.PipelineRuns{Artifacts: prefix, Latest: latest[name]}
		}
	}
	return out, merged
}

// latestSucceeded returns each pipeline's newest run that succeeded in
// env, by name; empty when the daemon has no run store or it cannot be
// read (the run starts without them, as with none succeeded).
func (d *Daemon) latestSucceeded(ctx context.Context, env, project string) map[string]string {
	if d.opts.Runs == nil {
		return nil
	}
	latest, err := d.opts.Runs.LatestSucceeded(ctx, env, project)
	if err != nil {
		d.log.Warn("SLUICE_RUNS without latest runs", "env", env, "err", err)
		return nil
	}
	return latest
}
