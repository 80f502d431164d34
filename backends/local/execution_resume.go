package local

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

// origin is a run a resumed execution reuses: its name and the
// succeeded attempt of each task path.
type origin struct {
	id, name  string
	succeeded map[string]sluice.StepRun
}

// ResumeExecution starts a new execution named name (empty: ORIGIN-rHHMMSS)
// of the state machine that ran the execution id, with its input, that
// reuses what id's steps did up to their failure: a task that succeeded
// in id (same step, same foreach copy) is not run again; its artifacts
// are copied under the new run's prefix and its result handed on, so
// the failed step and everything after it run again. This is Metaflow's
// "resume"; Step Functions' RedriveExecution continues the same
// execution instead.
//
// It fails with KindNotFound when id names no execution, KindConflict
// when it is still running or succeeded (nothing to resume), and as
// StartExecution does otherwise.
func (w *World) ResumeExecution(ctx context.Context, id, name string) (string, error) {
	const op = "local.ResumeExecution"
	e, err := w.DescribeExecution(ctx, id)
	if err != nil {
		return "", err
	}
	switch e.Status {
	case sluice.ExecutionRunning:
		return "", sluice.E(op, sluice.KindConflict, fmt.Errorf("execution %s is still running", id))
	case sluice.ExecutionSucceeded:
		return "", sluice.E(op, sluice.KindConflict, fmt.Errorf("execution %s succeeded: there is nothing to resume", e.Name))
	}
	from := &origin{id: e.ID, name: e.Name, succeeded: map[string]sluice.StepRun{}}
	for _, s := range e.Steps {
		if s.Status == sluice.ExecutionSucceeded && s.Log != "" {
			from.succeeded[s.Path] = s
		}
	}
	if name == "" {
		name = resumeName(e.Name, time.Now())
	}
	return w.startExecution(ctx, e.StateMachine, name, e.Input, from)
}

// resumeName names a resumed run after its origin.
func resumeName(origin string, now time.Time) string {
	suffix := "-r" + now.UTC().Format("150405")
	if len(origin)+len(suffix) > 80 {
		origin = origin[:80-len(suffix)]
	}
	return origin + suffix
}

// reuse hands task t the result of the origin's succeeded attempt at the
// same path, after copying that attempt's artifacts under t's prefix,
// and records the step as reused. It reports false when t is to run:
// no origin, a retry, nothing succeeded there, or the copy failed.
func (w *World) reuse(le *liveExecution, t asl.Task) (json.RawMessage, bool) {
	if le.origin == nil || t.Attempt != 1 {
		return nil, false
	}
	prev, ok := le.origin.succeeded[t.Path]
	if !ok {
		return nil, false
	}
	jobID := strings.TrimSuffix(filepath.Base(prev.Log), ".log")
	desc, err := os.ReadFile(filepath.Join(w.dir, jobsDir, jobID+".json"))
	if err != nil {
		return nil, false
	}
	out := json.RawMessage(desc)
	if t.Resource != ResourceSubmitJobSync {
		var d jobDescription
		_ = json.Unmarshal(desc, &d)
		out, _ = json.Marshal(map[string]string{"JobArn": d.JobArn, "JobId": d.JobID, "JobName": d.JobName})
	}
	source, err := w.copyArtifacts(t, le.rec.Name, le.origin.name)
	if err != nil {
		w.log.Warn("step run again: the origin's artifacts were not copied", "step", t.Path, "err", err)
		return nil, false
	}
	le.stepStarted(t)
	cause := "reused the succeeded attempt of run " + le.origin.name
	le.update(t.Path, t.Attempt, func(s *sluice.StepRun) {
		s.Status, s.Stopped, s.Log, s.Cause = sluice.ExecutionSucceeded, time.Now().UTC(), prev.Log, cause
	})
	a := attemptOf(le.rec.ID, t)
	a.JobID, a.Log, a.Cause = jobID, prev.Log, cause
	a.OriginRun, a.OriginAttempt = le.origin.id, prev.Attempt
	w.attemptEndedFrom(a, t, out, nil, source)
	return out, true
}

// copyArtifacts copies what the origin run's copy of task t wrote under
// its prefix to t's prefix in run name, and returns the origin's prefix
// (s3://BUCKET/KEY).
func (w *World) copyArtifacts(t asl.Task, name, originName string) (string, error) {
	prefix, artifacts := taskEnv(t, "SLUICE_OUTPUT"), taskEnv(t, "SLUICE_ARTIFACTS")
	base, ok := strings.CutSuffix(artifacts, "/"+name)
	if !ok || !strings.HasPrefix(prefix, artifacts) {
		return "", fmt.Errorf("the step's prefix %q is not under its run's %q", prefix, artifacts)
	}
	source := base + "/" + originName + strings.TrimPrefix(prefix, artifacts)
	from, err := w.localPath(source)
	if err != nil {
		return "", err
	}
	to, err := w.localPath(prefix)
	if err != nil {
		return "", err
	}
	return source, filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) && p == from {
			return filepath.SkipDir // the step wrote nothing
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
}

// localPath is the folder or file of an s3://BUCKET/KEY address.
func (w *World) localPath(uri string) (string, error) {
	bucket, key, ok := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	if !ok || !strings.HasPrefix(uri, "s3://") {
		return "", fmt.Errorf("%q is not an s3:// address", uri)
	}
	return w.path(bucket, key)
}
