package daemon

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/s3"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/statestore"
)

// objectCopier copies one run's step prefix to another's in a bucket of
// an environment (the AWS backend's s3.Objects).
type objectCopier interface {
	CopyPrefix(ctx context.Context, env, src, dst string) ([]s3.CopiedObject, error)
}

// reuse is what a run started from a step of another run took from it,
// recorded in the run store once the run is: the origin's succeeded
// attempts, as attempts of the new run that ran nothing, and the
// artifacts copied for them.
type reuse struct {
	origin    string // the origin run's ID
	attempts  []sluice.AttemptRecord
	artifacts []sluice.ArtifactRecord
	// params are the new run's parameters: the origin's, overlaid.
	params map[string]any
}

// startFromOriginAWS starts, on AWS, the run req.Name of pipeline (state
// machine arn) from the top-level step req.From, reusing what the run
// req.Origin did before it: the origin is read from the run store; its
// spec hash must be the deployed state machine's (the steps reused must
// be the ones that would run), and every copy of every step it reuses
// must have succeeded in it. Those steps' objects (artifacts,
// outputs.json, KEY.json) are copied under the new run's prefix, then
// the execution starts with the origin's input, req's parameters over
// its own, and sluice.from, which the compiled Sluice.From state follows
// to the step. A step inside a split branch or a foreach copy cannot be
// entered on AWS: the error names the top-level step to start from.
// Objects copied before a later failure stay under the new run's prefix,
// where nothing reads them.
func (d *Daemon) startFromOriginAWS(ctx context.Context, w *envWorker, pipeline string, runner sluice.Runner, arn string,
	input json.RawMessage, req RunRequest) (string, *reuse, error) {
	env := w.cfg.Name
	if d.opts.Runs == nil {
		return "", nil, fmt.Errorf("%w: a run from a step of another run needs the run store, which this daemon has none of: "+
			"to go on from a failed run's failed step, sluice runs resume %s redrives it", ErrConflict, req.Origin)
	}
	origin, err := d.opts.Runs.Run(ctx, env, req.Origin)
	switch {
	case sluice.KindOf(err) == sluice.KindNotFound:
		return "", nil, fmt.Errorf("%w: no run %s of %s in %s", ErrNotFound, req.Origin, pipeline, env)
	case err != nil:
		return "", nil, storeError(err)
	}
	rec, def, err := d.deployedMachine(w, pipeline)
	if err != nil {
		return "", nil, err
	}
	if err := reusable(origin.RunRecord, pipeline, rec); err != nil {
		return "", nil, err
	}
	reused, err := reusedSteps(def, pipeline, req.From)
	if err != nil {
		return "", nil, err
	}
	plan, err := planReuse(origin, reused, req.From)
	if err != nil {
		return "", nil, err
	}
	if err := d.copyReused(ctx, w, def, origin, reused, req.Name, plan); err != nil {
		return "", nil, err
	}
	e, err := runner.DescribeExecution(ctx, origin.ID)
	if err != nil {
		return "", nil, runError(err)
	}
	merged, err := local.OriginInput(e.Input, input)
	if err != nil {
		return "", nil, errBadRequest(err.Error())
	}
	merged, plan.params = d.withSluice(ctx, w, pipeline, merged, req.From)
	id, err := runner.StartExecution(ctx, arn, req.Name, merged)
	return id, plan, err
}

// reusable refuses an origin of another pipeline (a bad request), one
// still running, and one that ran another state machine than rec, the
// deployed one (by spec hash: the steps it would reuse may have
// changed), each a conflict.
func reusable(origin sluice.RunRecord, pipeline string, rec statestore.Record) error {
	switch {
	case origin.Pipeline != pipeline:
		return errBadRequest(fmt.Sprintf("run %s is a run of %s, not of %s: give a run of the same pipeline", origin.Name, origin.Pipeline, pipeline))
	case origin.Status == sluice.ExecutionRunning:
		return fmt.Errorf("%w: run %s is still running: wait for it to end, or stop it", ErrConflict, origin.Name)
	case origin.SpecHash != rec.SpecHash:
		return fmt.Errorf("%w: run %s ran %s as deployed with spec hash %s (revision %s); the state machine deployed now has %s (revision %s): "+
			"its steps may differ, so its results are not reused; start a new run, or run from a run of the deployed revision",
			ErrConflict, origin.Name, pipeline, orUnknown(origin.SpecHash), orUnknown(origin.Revision), rec.SpecHash, orUnknown(rec.Revision))
	}
	return nil
}

// orUnknown is s, or "unknown" when empty.
func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// deployedMachine returns the inventory's record of pipeline's state
// machine and its definition.
func (d *Daemon) deployedMachine(w *envWorker, pipeline string) (statestore.Record, []byte, error) {
	recs, err := d.inventory(w.key())
	if err != nil {
		return statestore.Record{}, nil, err
	}
	id := sluice.ResourceID(string(sluice.TypeStateMachine) + "/" + pipeline)
	for _, rec := range recs {
		if rec.ID == id {
			var spec struct {
				Definition json.RawMessage `json:"definition"`
			}
			if err := json.Unmarshal(rec.Spec, &spec); err != nil || len(spec.Definition) == 0 {
				return rec, nil, fmt.Errorf("state machine of %s: its recorded spec has no definition", pipeline)
			}
			return rec, spec.Definition, nil
		}
	}
	return statestore.Record{}, nil, fmt.Errorf("%w: pipeline %s is not deployed in %s", ErrNotFound, pipeline, w.cfg.Name)
}

// reusedSteps are the steps a run of def started from step reuses. It
// fails with a bad request when step is not a top-level step of def
// (naming the one to start from), and a conflict when def was compiled
// before a run could start anywhere but at its first step.
func reusedSteps(def []byte, pipeline, step string) ([]string, error) {
	g, err := local.ParseStepGraph(def)
	if err != nil {
		return nil, fmt.Errorf("state machine of %s: %w", pipeline, err)
	}
	steps := g.Steps()
	if !slices.Contains(steps, step) {
		return nil, errBadRequest(fmt.Sprintf("--from %s: %s has no step %q%s (its steps: %s)",
			step, pipeline, step, dsl.DidYouMean(step, steps), strings.Join(steps, ", ")))
	}
	if !g.HasState(step) {
		top := g.TopLevel(step)
		return nil, errBadRequest(fmt.Sprintf("--from %s: on AWS a run starts only at a top-level step, and %s is inside the split or foreach of step %s: "+
			"start from %s (--from %s), which runs it again with the rest of that split or foreach (the local backend can start at %s itself)",
			step, step, top, top, top, step))
	}
	before := g.Before(step)
	if len(before) > 0 && !g.HasState("Sluice.From") {
		return nil, fmt.Errorf("%w: the state machine of %s deployed in this environment was compiled before a run could start at a later step: apply it again",
			ErrConflict, pipeline)
	}
	return before, nil
}

// planReuse picks, for every path (foreach copy) of every reused step
// that ran in origin, the attempt that succeeded last, as an attempt of
// the new run that ran nothing. A path that ran without succeeding is a
// conflict naming it; a step origin never reached (a switch case not
// taken) is left out.
func planReuse(origin sluice.RunDetail, reused []string, from string) (*reuse, error) {
	reuseStep := map[string]bool{}
	for _, s := range reused {
		reuseStep[s] = true
	}
	last := map[string]sluice.AttemptRecord{}
	var order []string
	for _, a := range origin.Attempts {
		if !reuseStep[a.Step] {
			continue
		}
		prev, seen := last[a.Path]
		if !seen {
			order = append(order, a.Path)
		}
		if !seen || prev.Status != sluice.ExecutionSucceeded || a.Status == sluice.ExecutionSucceeded {
			last[a.Path] = a
		}
	}
	plan := &reuse{origin: origin.ID}
	now := time.Now().UTC()
	for _, p := range order {
		a := last[p]
		if a.Status != sluice.ExecutionSucceeded {
			return nil, fmt.Errorf("%w: step %s did not succeed in run %s (%s): it comes before %s and must be reused; start from %s (--from %s), or resume the run (sluice runs resume %s)",
				ErrConflict, p, origin.Name, strings.ToLower(a.Status), from, a.Step, a.Step, origin.Name)
		}
		n := a
		n.RunID, n.Attempt, n.Started, n.Stopped = "", 1, now, now
		n.Cause = "reused the succeeded attempt of run " + origin.Name
		n.OriginRun, n.OriginAttempt = origin.ID, a.Attempt
		plan.attempts = append(plan.attempts, n)
	}
	return plan, nil
}

// copyReused copies the objects of every reused step from origin's
// prefix to the run name's, and notes them in plan as artifacts of the
// attempts that wrote the originals.
func (d *Daemon) copyReused(ctx context.Context, w *envWorker, def []byte, origin sluice.RunDetail, reused []string, name string, plan *reuse) error {
	prefix := local.ArtifactsPrefix(def)
	if prefix == "" {
		return fmt.Errorf("state machine of %s: its definition names no artifacts prefix", origin.Pipeline)
	}
	copier, err := d.copier(ctx, w)
	if err != nil {
		return err
	}
	paths := map[string]string{}
	for _, a := range origin.Artifacts {
		paths[a.URI] = a.Path
	}
	now := time.Now().UTC()
	for _, step := range reused {
		copied, err := copier.CopyPrefix(ctx, w.cfg.Name, prefix+"/"+origin.Name+"/"+step+"/", prefix+"/"+name+"/"+step+"/")
		if err != nil {
			return runError(err)
		}
		for _, c := range copied {
			path := paths[c.Source]
			if path == "" {
				path = step
			}
			art := sluice.ArtifactRecord{Path: path, Attempt: 1, URI: c.URI, Size: c.Size, Written: now, Source: c.Source}
			if c.VersionID != "" {
				art.Checksum = "version:" + c.VersionID
			}
			plan.artifacts = append(plan.artifacts, art)
		}
	}
	return nil
}

// copier returns the environment's object copier.
func (d *Daemon) copier(ctx context.Context, w *envWorker) (objectCopier, error) {
	t, err := w.roll.Target(ctx)
	if err != nil {
		return nil, err
	}
	c, ok := t.Artifacts.(objectCopier)
	if !ok {
		return nil, fmt.Errorf("%w: environment %s's backend cannot copy objects between runs", ErrConflict, w.cfg.Name)
	}
	return c, nil
}

// recordReused writes what run id reused to the run store. A failure is
// logged: the run goes on.
func (d *Daemon) recordReused(ctx context.Context, env, id string, plan *reuse) {
	if plan == nil || d.opts.Runs == nil {
		return
	}
	for _, a := range plan.attempts {
		a.RunID = id
		if err := d.opts.Runs.PutAttempt(ctx, a); err != nil {
			d.log.Warn("reused step not recorded", "env", env, "run", nameOf(id), "step", a.Path, "err", err)
		}
	}
	for i := range plan.artifacts {
		plan.artifacts[i].RunID = id
	}
	if len(plan.artifacts) > 0 {
		if err := d.opts.Runs.PutArtifacts(ctx, plan.artifacts); err != nil {
			d.log.Warn("reused artifacts not recorded", "env", env, "run", nameOf(id), "err", err)
		}
	}
}
