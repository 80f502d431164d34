package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/rollout"
)

// RunRequest asks for a run of a deployed pipeline.
type RunRequest struct {
	// Parameters are the run's parameter values, merged over the
	// pipeline's defaults by the state machine.
	Parameters map[string]any `json:"parameters,omitempty"`
	// Name is the execution's name (the run id); empty: generated.
	Name string `json:"name,omitempty"`
	// Origin and From, set together, start a run that reuses what the
	// run Origin (its id or name) did before the step From, and runs
	// From and what follows it (run_origin.go).
	Origin string `json:"origin,omitempty"`
	From   string `json:"from,omitempty"`
}

// Run is an execution the daemon started, as the API reports it.
type Run struct {
	Environment string `json:"environment"`
	Pipeline    string `json:"pipeline"`
	sluice.Execution
}

// runRecord is what the daemon remembers of a run it started.
type runRecord struct {
	env, pipeline, id string
	started           time.Time
	// status is the last status seen by the follower.
	status string
}

// RunSummary is a run as an environment's status lists it.
type RunSummary struct {
	Pipeline string    `json:"pipeline"`
	Name     string    `json:"name"`
	Status   string    `json:"status"`
	Started  time.Time `json:"started"`
}

// maxRunsShown bounds the runs an environment's status lists.
const maxRunsShown = 10

// maxRunsKept bounds the runs the daemon remembers per environment.
const maxRunsKept = 200

var runNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// StartRun starts pipeline in env on the environment's backend: the
// deployed state machine runs with the given parameters. It fails when
// the environment has no runner, the pipeline is not deployed, or the
// name is invalid or taken.
func (d *Daemon) StartRun(ctx context.Context, env, pipeline string, req RunRequest) (Run, error) {
	w, err := d.env(env)
	if err != nil {
		return Run{}, err
	}
	if req.Name == "" {
		req.Name = newRunName(d.opts.Clock())
	}
	if !runNameRE.MatchString(req.Name) {
		return Run{}, errBadRequest(fmt.Sprintf("run name %q: use up to 80 letters, digits, - and _", req.Name))
	}
	runner, arn, err := w.runnerFor(ctx, pipeline)
	if err != nil {
		return Run{}, err
	}
	applied, err := rollout.Inventory(w.store, w.key())
	if err != nil {
		return Run{}, err
	}
	var from *origin
	if req.Origin != "" || req.From != "" {
		if from, err = d.originOf(ctx, w, pipeline, runner, arn, req); err != nil {
			return Run{}, err
		}
	}
	if err := w.checkRunParameters(applied, pipeline, req.Parameters, from); err != nil {
		return Run{}, err
	}
	input, err := json.Marshal(map[string]any{"parameters": orEmpty(req.Parameters)})
	if err != nil {
		return Run{}, errBadRequest("parameters: " + err.Error())
	}
	var id string
	var reused *reuse
	params := req.Parameters
	if from != nil {
		id, reused, err = d.startFromOrigin(ctx, w, pipeline, from, runner, arn, input, req)
		if reused != nil {
			params = reused.params
		}
	} else {
		input, _ = d.withSluice(ctx, w, pipeline, input, "")
		id, err = runner.StartExecution(ctx, arn, req.Name, input)
	}
	if err != nil {
		return Run{}, runError(err)
	}
	d.log.Info("run started", "env", env, "pipeline", pipeline, "run", req.Name)
	d.recordStarted(ctx, w, pipeline, id, req.Name, params, d.opts.Clock(), reused)
	d.recordReused(ctx, env, id, reused)
	w.remember(runRecord{env: env, pipeline: pipeline, id: id, started: d.opts.Clock(), status: sluice.ExecutionRunning})
	d.metrics.ExecutionRunning(env, pipeline, 1)
	go d.follow(w, runner, pipeline, id)
	return d.DescribeRun(ctx, env, pipeline, req.Name)
}

// runnerFor returns the environment's runner and the ARN of pipeline's
// state machine as the inventory records it.
func (w *envWorker) runnerFor(ctx context.Context, pipeline string) (sluice.Runner, string, error) {
	t, err := w.roll.Target(ctx)
	if err != nil {
		return nil, "", err
	}
	if t.Runner == nil {
		return nil, "", fmt.Errorf("%w: environment %s's backend cannot run pipelines", ErrConflict, w.cfg.Name)
	}
	applied, err := rollout.Inventory(w.store, w.key())
	if err != nil {
		return nil, "", err
	}
	want := sluice.ResourceID(string(sluice.TypeStateMachine) + "/" + pipeline)
	for _, a := range applied {
		if a.ID == want && a.ARN != "" {
			return t.Runner, a.ARN, nil
		}
	}
	return nil, "", fmt.Errorf("%w: pipeline %s is not deployed in %s", ErrNotFound, pipeline, w.cfg.Name)
}

// follow polls a run until it ends and counts it by status, looking
// every 2 s at first and less often the longer it runs (at most every
// 30 s: runPollPace, never shortened again, as what it waits for is
// the end), so long runs spend little of the account's read quota. It
// gives up when the run is not found.
func (d *Daemon) follow(w *envWorker, runner sluice.Runner, pipeline, id string) {
	env := w.key()
	defer d.metrics.ExecutionRunning(env, pipeline, -1)
	ctx := d.workContext()
	pace := runPollPace()
	wait := pace.first
	for {
		e, err := runner.DescribeExecution(ctx, id)
		if sluice.KindOf(err) == sluice.KindNotFound {
			d.log.Warn("run not found: no longer followed", "env", env, "pipeline", pipeline, "run", nameOf(id))
			return
		}
		if err == nil {
			if current, lookErr := d.env(env); lookErr == nil {
				current.setRunStatus(pipeline, id, e.Status)
			}
		}
		if err == nil && e.Done() {
			if !d.recordsRuns(env) {
				// Otherwise counted as recorded, with the runs the
				// daemon did not start (CountingRuns, ingestion).
				d.metrics.Execution(env, pipeline, e.Status)
			}
			d.log.Info("run ended", "env", env, "pipeline", pipeline, "run", e.Name, "status", e.Status)
			return
		}
		// On the daemon's clock, as its pollers wait: a test moves it.
		c, stop := d.opts.NewTimer(wait)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-c:
		}
		wait = pace.next(wait, false)
	}
}

// DescribeRun returns a run of pipeline in env by its name, every
// secret value the daemon knows masked in what its steps printed.
func (d *Daemon) DescribeRun(ctx context.Context, env, pipeline, name string) (Run, error) {
	w, err := d.env(env)
	if err != nil {
		return Run{}, err
	}
	rec, ok := w.lookupRun(pipeline, name)
	if !ok {
		rec, ok = d.storedRun(ctx, env, pipeline, name)
	}
	if !ok {
		return Run{}, fmt.Errorf("%w: no run %s of %s in %s", ErrNotFound, name, pipeline, env)
	}
	runner, _, err := w.runnerFor(ctx, pipeline)
	if err != nil {
		return Run{}, err
	}
	e, err := runner.DescribeExecution(ctx, rec.id)
	if err != nil {
		return Run{}, runError(err)
	}
	w.setRunStatus(pipeline, rec.id, e.Status)
	return Run{Environment: env, Pipeline: pipeline, Execution: e.Redacted(d.redact.String)}, nil
}

// Runs lists the runs the daemon started in env, newest first.
func (d *Daemon) Runs(ctx context.Context, env string) ([]Run, error) {
	w, err := d.env(env)
	if err != nil {
		return nil, err
	}
	var out []Run
	for _, rec := range w.runList() {
		r, err := d.DescribeRun(ctx, env, rec.pipeline, nameOf(rec.id))
		if err != nil {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (w *envWorker) remember(r runRecord) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.runs == nil {
		w.runs = map[string]runRecord{}
	}
	w.runs[r.pipeline+"/"+nameOf(r.id)] = r
	if len(w.runs) > maxRunsKept {
		oldest := ""
		for k, v := range w.runs {
			if oldest == "" || v.started.Before(w.runs[oldest].started) {
				oldest = k
			}
		}
		delete(w.runs, oldest)
	}
}

func (w *envWorker) setRunStatus(pipeline, id, status string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := pipeline + "/" + nameOf(id)
	if r, ok := w.runs[key]; ok {
		r.status = status
		w.runs[key] = r
	}
}

// recentRuns summarises the newest runs.
func (w *envWorker) recentRuns() []RunSummary {
	var out []RunSummary
	for _, r := range w.runList() {
		if len(out) == maxRunsShown {
			break
		}
		out = append(out, RunSummary{Pipeline: r.pipeline, Name: nameOf(r.id), Status: r.status, Started: r.started})
	}
	return out
}

func (w *envWorker) lookupRun(pipeline, name string) (runRecord, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, ok := w.runs[pipeline+"/"+name]
	return r, ok
}

func (w *envWorker) runList() []runRecord {
	w.mu.Lock()
	out := make([]runRecord, 0, len(w.runs))
	for _, r := range w.runs {
		out = append(out, r)
	}
	w.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].started.After(out[j].started) })
	return out
}

// nameOf returns the execution name at the end of an execution ARN.
func nameOf(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == ':' {
			return id[i+1:]
		}
	}
	return id
}

// newRunName returns a run name from the time and random bits.
func newRunName(now time.Time) string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return "run-" + now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b)
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// AmbiguousRun is the error for a run name that names several recorded
// runs (of different pipelines, or started again under the same name):
// it lists them, newest first, so that the API's 409 names them and a
// page links to each. It wraps ErrConflict.
type AmbiguousRun struct {
	Name string
	Runs []sluice.RunRecord
}

func (e *AmbiguousRun) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s names %d runs, give the id of one:", e.Name, len(e.Runs))
	for i, r := range e.Runs {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s of %s started %s", r.ID, r.Pipeline, r.Started.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// Unwrap makes an AmbiguousRun an ErrConflict.
func (e *AmbiguousRun) Unwrap() error { return ErrConflict }

// runError maps a runner's error kinds to the API's.
func runError(err error) error {
	switch sluice.KindOf(err) {
	case sluice.KindConflict:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	case sluice.KindNotFound:
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}
