package local

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

// RunRecorder is where a World records its executions as they happen:
// the writing half of sluice.RunStore.
type RunRecorder interface {
	PutRun(ctx context.Context, r sluice.RunRecord) error
	PutAttempt(ctx context.Context, a sluice.AttemptRecord) error
	PutArtifacts(ctx context.Context, as []sluice.ArtifactRecord) error
}

const (
	// recordTimeout bounds one write to the run store: a run whose
	// store is unreachable goes on, and its notice is logged.
	recordTimeout = 10 * time.Second
	// maxOutputs bounds the outputs.json recorded with an attempt.
	maxOutputs = 256 << 10
	// defaultsState is the compiled Pass state holding the parameters'
	// defaults (compile/shapes.go).
	defaultsState = "Sluice.Defaults"
)

// runRecord is the start of the record of execution e of sm: the
// pipeline, environment, spec hash and revision deployed, and every
// parameter with the defaults the definition holds.
func runRecord(sm StateMachine, e sluice.Execution) sluice.RunRecord {
	pipeline := sm.Name
	if res := sm.Tags[sluice.TagResource]; res != "" {
		_, pipeline, _ = strings.Cut(res, "/")
	}
	var def struct {
		States map[string]struct {
			Result json.RawMessage `json:"Result"`
		} `json:"States"`
	}
	_ = json.Unmarshal(sm.Definition, &def)
	return sluice.RunRecord{ID: e.ID, Name: e.Name, Project: sm.Tags[sluice.TagProject], Pipeline: pipeline,
		Environment: sm.Tags[sluice.TagEnvironment], Backend: "local", Revision: revisionOf(sm.Definition),
		SpecHash: sm.Tags[sluice.TagSpecHash], Parameters: mergeParameters(def.States[defaultsState].Result, e.Input),
		Status: e.Status, Started: e.Started}
}

// mergeParameters is the input's "parameters" merged over defaults, key
// by key, as the compiled States.JsonMerge does.
func mergeParameters(defaults, input json.RawMessage) json.RawMessage {
	merged := map[string]json.RawMessage{}
	_ = json.Unmarshal(defaults, &merged)
	var in struct {
		Parameters map[string]json.RawMessage `json:"parameters"`
	}
	_ = json.Unmarshal(input, &in)
	for k, v := range in.Parameters {
		merged[k] = v
	}
	b, _ := json.Marshal(merged)
	return b
}

// revisionOf finds the Git revision a compiled definition hands its
// steps (SLUICE_REVISION); "" when it hands none.
func revisionOf(def json.RawMessage) string {
	var v any
	if json.Unmarshal(def, &v) != nil {
		return ""
	}
	var find func(any) string
	find = func(v any) string {
		switch x := v.(type) {
		case map[string]any:
			if x["Name"] == "SLUICE_REVISION" {
				if s, ok := x["Value"].(string); ok {
					return s
				}
			}
			for _, c := range x {
				if s := find(c); s != "" {
					return s
				}
			}
		case []any:
			for _, c := range x {
				if s := find(c); s != "" {
					return s
				}
			}
		}
		return ""
	}
	return find(v)
}

// record runs put against the run store, when there is one, under its
// own deadline: an execution aborted by its context still records how it
// ended. A failure is logged, never fails the run.
func (w *World) record(what string, put func(ctx context.Context, r RunRecorder) error) {
	if w.opts.Runs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), recordTimeout)
	defer cancel()
	if err := put(ctx, w.opts.Runs); err != nil {
		w.log.Warn("run not recorded", "record", what, "err", err)
	}
}

// recordRun records le's run as it stands, secret values masked.
func (w *World) recordRun(le *liveExecution) { w.recordRunAs(le.run, le.snapshot()) }

// recordRunAs records the run r as execution e stands.
func (w *World) recordRunAs(r sluice.RunRecord, e sluice.Execution) {
	e = w.redacted(e)
	r.Status, r.Stopped, r.Error, r.Cause = e.Status, e.Stopped, e.Error, e.Cause
	if w.opts.Redact != nil {
		r.Parameters = json.RawMessage(w.opts.Redact(string(r.Parameters)))
	}
	w.record("run", func(ctx context.Context, s RunRecorder) error { return s.PutRun(ctx, r) })
}

// recordAttempt records a, secret values masked.
func (w *World) recordAttempt(a sluice.AttemptRecord) {
	if m := w.opts.Redact; m != nil {
		a.Error, a.Cause = m(a.Error), m(a.Cause)
		if len(a.Outputs) > 0 {
			a.Outputs = json.RawMessage(m(string(a.Outputs)))
		}
	}
	w.record("attempt", func(ctx context.Context, s RunRecorder) error { return s.PutAttempt(ctx, a) })
}

// attemptOf is the record of task t's attempt as it starts.
func attemptOf(runID string, t asl.Task) sluice.AttemptRecord {
	a := sluice.AttemptRecord{RunID: runID, Step: t.State, Path: t.Path, Attempt: t.Attempt,
		Status: sluice.ExecutionRunning, Started: time.Now().UTC()}
	parts := strings.Split(t.Path, "/")
	for i := 1; i < len(parts); i++ {
		if n, err := strconv.Atoi(parts[i]); err == nil && strings.HasSuffix(parts[i-1], ".foreach") {
			a.ForeachIndex = append(a.ForeachIndex, n)
		}
	}
	if item := taskEnv(t, "SLUICE_FOREACH_ITEM"); item != "" && json.Valid([]byte(item)) {
		a.ForeachItem = json.RawMessage(item)
	}
	return a
}

// taskEnv is the value of the variable name a submitJob task sets.
func taskEnv(t asl.Task, name string) string {
	var s submitJob
	_ = json.Unmarshal(t.Parameters, &s)
	for _, nv := range s.ContainerOverrides.Environment {
		if nv.Name == name {
			return nv.Value
		}
	}
	return ""
}

// attemptEnded completes a from the task's result (out) or failure
// (err), records it, and records the outputs and artifacts the attempt
// left under its prefix (SLUICE_OUTPUT).
func (w *World) attemptEnded(a sluice.AttemptRecord, t asl.Task, out json.RawMessage, err error) {
	w.attemptEndedFrom(a, t, out, err, "")
}

// attemptEndedFrom is attemptEnded for an attempt whose artifacts were
// copied from the prefix source (s3://BUCKET/KEY; "" when they were
// written): each artifact names the one it is a copy of.
func (w *World) attemptEndedFrom(a sluice.AttemptRecord, t asl.Task, out json.RawMessage, err error, source string) {
	a.Stopped = time.Now().UTC()
	a.Status = sluice.ExecutionSucceeded
	var f *asl.Failure
	switch {
	case errors.As(err, &f):
		a.Status, a.Error, a.Cause = sluice.ExecutionFailed, f.Name, f.Cause
	case err != nil:
		a.Status, a.Error, a.Cause = sluice.ExecutionFailed, "States.TaskFailed", err.Error()
	}
	if a.JobID != "" {
		a.ExitCode = w.exitCode(a.JobID)
	}
	prefix := taskEnv(t, "SLUICE_OUTPUT")
	arts := w.artifacts(a, prefix)
	for i, art := range arts {
		if source != "" {
			arts[i].Source = strings.TrimSuffix(source, "/") + strings.TrimPrefix(art.URI, strings.TrimSuffix(prefix, "/"))
		}
		if art.URI == strings.TrimSuffix(prefix, "/")+"/outputs.json" {
			a.Outputs = w.readOutputs(art.URI)
		}
	}
	w.recordAttempt(a)
	if len(arts) > 0 {
		w.record("artifacts", func(ctx context.Context, s RunRecorder) error { return s.PutArtifacts(ctx, arts) })
	}
}

// exitCode reads the exit code from the description of job id.
func (w *World) exitCode(id string) *int {
	b, err := os.ReadFile(filepath.Join(w.dir, jobsDir, id+".json"))
	if err != nil {
		return nil
	}
	var d jobDescription
	if json.Unmarshal(b, &d) != nil {
		return nil
	}
	return d.Container.ExitCode
}

// artifacts lists the objects under prefix (s3://BUCKET/KEY/) with their
// size and SHA-256, as written by attempt a.
func (w *World) artifacts(a sluice.AttemptRecord, prefix string) []sluice.ArtifactRecord {
	bucket, key, ok := strings.Cut(strings.TrimPrefix(prefix, "s3://"), "/")
	if !ok || !strings.HasPrefix(prefix, "s3://") {
		return nil
	}
	dir, err := w.path(bucket, key)
	if err != nil {
		return nil
	}
	var out []sluice.ArtifactRecord
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		size, sum, err := digest(p)
		if err != nil {
			return nil
		}
		out = append(out, sluice.ArtifactRecord{RunID: a.RunID, Path: a.Path, Attempt: a.Attempt,
			URI: strings.TrimSuffix(prefix, "/") + "/" + filepath.ToSlash(rel), Size: size, Checksum: sum, Written: a.Stopped})
		return nil
	})
	return out
}

// digest returns the size and "sha256:HEX" of the file at path.
func digest(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = f.Close() }()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// readOutputs returns the JSON object at uri, nil when it is not one or
// is larger than maxOutputs.
func (w *World) readOutputs(uri string) json.RawMessage {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	p, err := w.path(bucket, key)
	if err != nil {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil || len(b) > maxOutputs {
		return nil
	}
	c, err := compactJSON(b)
	if err != nil || len(c) == 0 || c[0] != '{' {
		return nil
	}
	return c
}

// StopExecution stops the execution id while it runs in this World, as
// Step Functions' StopExecution does: its running jobs are killed and it
// ends ABORTED with the error Sluice.Stopped and cause. It fails with
// KindNotFound when no execution id runs here (one that ended, or one a
// stopped process ran).
func (w *World) StopExecution(ctx context.Context, id, cause string) error {
	const op = "local.StopExecution"
	if err := ctx.Err(); err != nil {
		return sluice.E(op, sluice.KindTransient, err)
	}
	le := w.runs.running(id)
	if le == nil {
		return sluice.E(op, sluice.KindNotFound, errors.New("execution "+id+" is not running"))
	}
	le.mu.Lock()
	if le.rec.Status != sluice.ExecutionRunning {
		le.mu.Unlock()
		return sluice.E(op, sluice.KindNotFound, errors.New("execution "+id+" is not running"))
	}
	if cause == "" {
		cause = "stopped on request"
	}
	le.stopCause = cause
	cancel := le.cancel
	le.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	return nil
}
