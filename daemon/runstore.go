package daemon

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
)

// recordsRuns reports whether env's runs are in the run store: a store
// is configured and env is on the local backend, whose runs are recorded
// as they happen, or on AWS with the daemon ingesting its runs.
func (d *Daemon) recordsRuns(env string) bool {
	w, err := d.env(env)
	return err == nil && d.opts.Runs != nil && (w.cfg.Backend == config.BackendLocal || d.ingests(w))
}

// maxLogServed bounds the bytes of one log the API serves: the end of a
// longer log.
const maxLogServed = 4 << 20

// pruneEvery is how often the daemon deletes runs past their retention.
const pruneEvery = time.Hour

// RecordedRuns lists the runs the run store holds for env, newest first,
// as f selects them (its Environment is env). It fails with ErrNotFound
// for an unknown environment and ErrConflict when the daemon has no run
// store.
func (d *Daemon) RecordedRuns(ctx context.Context, env string, f sluice.RunFilter) ([]sluice.RunRecord, error) {
	w, err := d.env(env)
	if err != nil {
		return nil, err
	}
	if d.opts.Runs == nil {
		return nil, fmt.Errorf("%w: this daemon records no runs", ErrConflict)
	}
	if f.Environment, f.Project, err = d.runsOf(w); err != nil {
		return nil, err
	}
	runs, err := d.opts.Runs.Runs(ctx, f)
	if runs == nil && err == nil {
		runs = []sluice.RunRecord{}
	}
	return runs, storeError(err)
}

// RecordedRun returns a run of env by its id or name, with its attempts
// and artifacts, from the run store.
func (d *Daemon) RecordedRun(ctx context.Context, env, id string) (sluice.RunDetail, error) {
	w, err := d.env(env)
	if err != nil {
		return sluice.RunDetail{}, err
	}
	if d.opts.Runs == nil {
		return sluice.RunDetail{}, fmt.Errorf("%w: this daemon records no runs", ErrConflict)
	}
	name, project, err := d.runsOf(w)
	if err != nil {
		return sluice.RunDetail{}, err
	}
	r, err := d.opts.Runs.Run(ctx, name, id)
	if sluice.KindOf(err) == sluice.KindConflict {
		same, lerr := d.opts.Runs.Runs(ctx, sluice.RunFilter{Environment: name, Project: project, Name: id, Limit: maxAmbiguousListed})
		if lerr == nil && len(same) > 1 {
			return sluice.RunDetail{}, &AmbiguousRun{Name: id, Runs: same}
		}
	}
	if err == nil && project != "" && r.Project != project {
		return sluice.RunDetail{}, fmt.Errorf("%w: run %s is a run of project %s, not of %s's", ErrNotFound, id, r.Project, w.key())
	}
	return r, storeError(err)
}

// maxAmbiguousListed bounds the runs an ambiguous name's error lists.
const maxAmbiguousListed = 20

// RunLog returns the log of a step's attempt of a run of env; attempt 0
// is the step's last attempt. Of a log the local backend wrote, its end
// (at most 4 MiB); of a CloudWatch Logs stream on AWS, its beginning (at
// most 4 MiB: RunLogPart reads on).
func (d *Daemon) RunLog(ctx context.Context, env, id, step string, attempt int) ([]byte, error) {
	r, err := d.RecordedRun(ctx, env, id)
	if err != nil {
		return nil, err
	}
	found := findAttempt(r, step, attempt)
	switch {
	case found == nil:
		return nil, fmt.Errorf("%w: run %s has no attempt of step %s", ErrNotFound, id, step)
	case found.Log == "":
		return nil, fmt.Errorf("%w: step %s's attempt %d has no log yet", ErrNotFound, step, found.Attempt)
	}
	return d.attemptLog(ctx, env, r.Backend, found.Log)
}

// attemptLog is RunLog once the attempt is found: the log at loc on
// backend, not masked.
func (d *Daemon) attemptLog(ctx context.Context, env, backend, loc string) ([]byte, error) {
	if config.Backend(backend) != config.BackendLocal {
		return d.logHead(ctx, env, backend, loc, maxLogServed)
	}
	return tailFile(loc, maxLogServed)
}

// tailFile reads the last n bytes of the file at path.
func tailFile(path string, n int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: log %s: %w", ErrNotFound, path, err)
	}
	defer func() { _ = f.Close() }()
	if fi, err := f.Stat(); err == nil && fi.Size() > n {
		if _, err := f.Seek(fi.Size()-n, io.SeekStart); err != nil {
			return nil, err
		}
	}
	return io.ReadAll(io.LimitReader(f, n))
}

// storeError maps the run store's error kinds to the API's.
func storeError(err error) error {
	switch sluice.KindOf(err) {
	case sluice.KindNotFound:
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	case sluice.KindConflict:
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}

// pruneRuns deletes runs past the configured retention now and every
// hour until ctx ends.
func (d *Daemon) pruneRuns(ctx context.Context) {
	if d.opts.Runs == nil {
		return
	}
	for {
		d.mu.RLock()
		keep := d.cfg.Runs.Retention
		d.mu.RUnlock()
		if keep > 0 {
			n, err := d.opts.Runs.Prune(ctx, d.opts.Clock().Add(-keep))
			if err != nil {
				d.log.Warn("runs past their retention not deleted", "err", err)
			} else if n > 0 {
				d.log.Info("runs past their retention deleted", "runs", n)
			}
		}
		c, stop := d.opts.NewTimer(pruneEvery)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-c:
		}
	}
}

func (d *Daemon) listRecordedRuns(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	runs, err := d.RecordedRuns(r.Context(), r.PathValue("env"),
		sluice.RunFilter{Pipeline: q.Get("pipeline"), Status: q.Get("status"), Limit: limit})
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, runs)
}

func (d *Daemon) getRecordedRun(w http.ResponseWriter, r *http.Request) {
	run, err := d.RecordedRun(r.Context(), r.PathValue("env"), r.PathValue("id"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, run)
}

func (d *Daemon) getRunLog(w http.ResponseWriter, r *http.Request) {
	attempt, _ := strconv.Atoi(r.URL.Query().Get("attempt"))
	if r.URL.Query().Has("page") {
		d.getRunLogPart(w, r, attempt)
		return
	}
	b, err := d.RunLog(r.Context(), r.PathValue("env"), r.PathValue("id"), r.PathValue("step"), attempt)
	if err != nil {
		d.writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(d.redact.Bytes(b))
}

// stopper is a runner that can stop an execution.
type stopper interface {
	StopExecution(ctx context.Context, id, cause string) error
}

// StopRun stops a running run of env (by id or name). It fails with
// ErrNotFound for an unknown run or one no longer running, and
// ErrConflict when the environment's backend cannot stop runs.
func (d *Daemon) StopRun(ctx context.Context, env, id string) (sluice.RunRecord, error) {
	r, err := d.RecordedRun(ctx, env, id)
	if err != nil {
		return sluice.RunRecord{}, err
	}
	if r.Status != sluice.ExecutionRunning {
		return sluice.RunRecord{}, fmt.Errorf("%w: run %s already ended %s", ErrConflict, r.Name, r.Status)
	}
	w, err := d.env(env)
	if err != nil {
		return sluice.RunRecord{}, err
	}
	runner, _, err := w.runnerFor(ctx, r.Pipeline)
	if err != nil {
		return sluice.RunRecord{}, err
	}
	s, ok := runner.(stopper)
	if !ok {
		return sluice.RunRecord{}, fmt.Errorf("%w: environment %s's backend cannot stop runs yet", ErrConflict, env)
	}
	if err := s.StopExecution(ctx, r.ID, "stopped through the API"); err != nil {
		return sluice.RunRecord{}, runError(err)
	}
	d.log.Info("run stopped", "env", env, "pipeline", r.Pipeline, "run", r.Name)
	return r.RunRecord, nil
}

func (d *Daemon) stopRun(w http.ResponseWriter, r *http.Request) {
	run, err := d.StopRun(r.Context(), r.PathValue("env"), r.PathValue("id"))
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, map[string]string{"status": "stop requested", "run": run.Name, "id": run.ID})
}

// Lineage returns what wrote the artifact uri in env: the run, its
// revision and parameters, and the step's attempt. It fails with
// ErrNotFound when no recorded step of env wrote it.
func (d *Daemon) Lineage(ctx context.Context, env, uri string) (sluice.Lineage, error) {
	w, err := d.env(env)
	if err != nil {
		return sluice.Lineage{}, err
	}
	name, project, err := d.runsOf(w)
	if err != nil {
		return sluice.Lineage{}, err
	}
	if d.opts.Runs == nil {
		return sluice.Lineage{}, fmt.Errorf("%w: this daemon records no runs", ErrConflict)
	}
	l, err := d.opts.Runs.Lineage(ctx, uri)
	if err != nil {
		return sluice.Lineage{}, storeError(err)
	}
	if l.Run.Environment != name || project != "" && l.Run.Project != project {
		return sluice.Lineage{}, fmt.Errorf("%w: no recorded step of %s wrote %s", ErrNotFound, env, uri)
	}
	return l, nil
}

func (d *Daemon) getLineage(w http.ResponseWriter, r *http.Request) {
	uri := r.URL.Query().Get("uri")
	if uri == "" {
		d.writeError(w, errBadRequest("lineage needs the artifact's ?uri=s3://BUCKET/KEY"))
		return
	}
	l, err := d.Lineage(r.Context(), r.PathValue("env"), uri)
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, l)
}

// resumer is a runner that can resume a failed execution.
type resumer interface {
	ResumeExecution(ctx context.Context, id, name string) (string, error)
}

// ResumeRun resumes the failed run id (by id or name) of env from its
// failed step, reusing what succeeded: on the local backend a new run,
// which name names (empty: generated); on AWS the same execution,
// redriven by Step Functions (name must be empty). It fails with
// ErrNotFound for an unknown run, ErrConflict for one running or
// succeeded, one the backend's rules do not let resume (with Step
// Functions' reason), or when the environment's backend cannot resume
// runs.
func (d *Daemon) ResumeRun(ctx context.Context, env, id, name string) (sluice.RunRecord, error) {
	r, err := d.RecordedRun(ctx, env, id)
	if err != nil {
		return sluice.RunRecord{}, err
	}
	if name != "" && !runNameRE.MatchString(name) {
		return sluice.RunRecord{}, errBadRequest(fmt.Sprintf("run name %q: use up to 80 letters, digits, - and _", name))
	}
	w, err := d.env(env)
	if err != nil {
		return sluice.RunRecord{}, err
	}
	runner, _, err := w.runnerFor(ctx, r.Pipeline)
	if err != nil {
		return sluice.RunRecord{}, err
	}
	rs, ok := runner.(resumer)
	if !ok {
		return sluice.RunRecord{}, fmt.Errorf("%w: environment %s's backend cannot resume runs yet", ErrConflict, env)
	}
	newID, err := rs.ResumeExecution(ctx, r.ID, name)
	if sluice.KindOf(err) == sluice.KindInvalid {
		// The backend's rules refuse the resume (on AWS, Step Functions'
		// reason the execution cannot be redriven): the run's state, not
		// the request, is at fault.
		return sluice.RunRecord{}, fmt.Errorf("%w: %w", ErrConflict, err)
	}
	if err != nil {
		return sluice.RunRecord{}, runError(err)
	}
	d.log.Info("run resumed", "env", env, "pipeline", r.Pipeline, "origin", r.Name, "run", nameOf(newID))
	d.metrics.ExecutionRunning(env, r.Pipeline, 1)
	go d.follow(w, runner, r.Pipeline, newID)
	if newID == r.ID {
		// Redriven (AWS): the same execution goes on.
		return sluice.RunRecord{ID: r.ID, Name: r.Name, Pipeline: r.Pipeline, Environment: env, Status: sluice.ExecutionRunning}, nil
	}
	return sluice.RunRecord{ID: newID, Name: nameOf(newID), Pipeline: r.Pipeline, Environment: env, Origin: r.ID,
		Status: sluice.ExecutionRunning}, nil
}

func (d *Daemon) resumeRun(w http.ResponseWriter, r *http.Request) {
	var req RunRequest
	if !d.decode(w, r, &req) {
		return
	}
	run, err := d.ResumeRun(r.Context(), r.PathValue("env"), r.PathValue("id"), req.Name)
	if err != nil {
		d.writeError(w, err)
		return
	}
	d.writeJSON(w, http.StatusOK, run)
}
