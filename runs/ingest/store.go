package ingest

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/logs"
)

// Deployment is a state machine an environment deployed, as its
// inventory records it.
type Deployment struct {
	// Pipeline is the pipeline the state machine runs.
	Pipeline string
	// Revision and SpecHash are what was last applied to it, at Applied.
	Revision, SpecHash string
	Applied            time.Time
}

// StoreSink is the RunSink writing an environment's runs to a run
// store. It keeps only the executions of the state machines Deployed
// names (the rule matches by name prefix, which another environment's
// names may share) and the Batch jobs those executions submitted.
//
// The store's writes replace whole rows, so StoreSink reads the record,
// merges the event into it and writes it back, one event at a time: an
// event that says less (a catch-up listing has no input, a job event no
// exit code yet) blanks nothing, and a status delivered late does not
// replace a later one.
type StoreSink struct {
	Store       sluice.RunStore
	Project     string
	Environment string
	// Deployed returns the environment's state machines by ARN.
	Deployed func(ctx context.Context) (map[string]Deployment, error)
	// Ended, when set, is told of each execution and step attempt the
	// sink records as ended, once: when an event moves its record from
	// running (or nothing) to a final status.
	Ended EndObserver

	mu sync.Mutex
}

// EndObserver is told of the runs and step attempts that end (the
// daemon's metrics).
type EndObserver interface {
	// RunEnded is called once the run r has a final status.
	RunEnded(r sluice.RunRecord)
	// AttemptEnded is called once the attempt a of the run r has a
	// final status.
	AttemptEnded(r sluice.RunRecord, a sluice.AttemptRecord)
}

var _ RunSink = (*StoreSink)(nil)

// UpsertExecution merges the execution's change into its run.
func (s *StoreSink) UpsertExecution(ctx context.Context, e ExecutionEvent) error {
	sm := e.StateMachineARN
	if sm == "" {
		sm = stateMachineOf(e.ExecutionARN)
	}
	dep, ok, err := s.deployment(ctx, sm)
	if err != nil || !ok {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, found, err := s.run(ctx, e.ExecutionARN)
	if err != nil {
		return err
	}
	if !found {
		r = sluice.RunRecord{ID: e.ExecutionARN, Project: s.Project, Environment: s.Environment, Backend: "aws",
			Pipeline: dep.Pipeline}
	}
	wasFinal := final(r.Status)
	if r.Name == "" {
		r.Name = e.Name
	}
	if r.Name == "" {
		r.Name = nameOf(e.ExecutionARN)
	}
	if r.Started.IsZero() || (!e.Started.IsZero() && e.Started.Before(r.Started)) {
		r.Started = e.Started
	}
	if r.Revision == "" && r.SpecHash == "" && (dep.Applied.IsZero() || !dep.Applied.After(r.Started)) {
		// What is deployed now was deployed when the run started; an
		// update applied since leaves them unknown rather than wrong.
		r.Revision, r.SpecHash = dep.Revision, dep.SpecHash
	}
	if p := parametersOf(e.Input); p != nil && len(r.Parameters) == 0 {
		// A run the daemon started was recorded with every parameter,
		// defaults included; the input holds only those given.
		r.Parameters = p
	}
	if newerExecution(r, e) {
		r.Status, r.Stopped = e.Status, e.Stopped
		if e.Status == sluice.ExecutionRunning {
			r.Error, r.Cause = "", ""
		}
	}
	if e.Error != "" || e.Cause != "" {
		r.Error, r.Cause = e.Error, e.Cause
	}
	if err := s.Store.PutRun(ctx, r); err != nil {
		return err
	}
	if s.Ended != nil && !wasFinal && final(r.Status) {
		s.Ended.RunEnded(r)
	}
	return nil
}

// final reports whether an execution or attempt status is final: not
// running, pending a redrive, or unknown.
func final(status string) bool {
	switch status {
	case "", sluice.ExecutionRunning, "PENDING_REDRIVE":
		return false
	}
	return true
}

// newerExecution reports whether e's status is newer than r's: r has
// none or runs, e ended, or e is a redrive's RUNNING after r ended.
func newerExecution(r sluice.RunRecord, e ExecutionEvent) bool {
	switch {
	case r.Status == "" || r.Status == sluice.ExecutionRunning:
		return true
	case !e.Stopped.IsZero():
		return !e.Stopped.Before(r.Stopped)
	}
	return e.RedriveCount > 0 && (e.Time.IsZero() || e.Time.After(r.Stopped))
}

// UpsertJob merges a Batch job's change into the attempt of the step
// that submitted it, found by the variables Sluice's state machines set
// on every job (SLUICE_PIPELINE, SLUICE_ENVIRONMENT, SLUICE_RUN_ID,
// SLUICE_STEP, SLUICE_OUTPUT). A job without them, or of another
// environment or an undeployed pipeline, is skipped.
func (s *StoreSink) UpsertJob(ctx context.Context, e JobEvent) error {
	v := e.Environment
	if v["SLUICE_ENVIRONMENT"] != s.Environment || v["SLUICE_RUN_ID"] == "" || v["SLUICE_STEP"] == "" {
		return nil
	}
	deps, err := s.Deployed(ctx)
	if err != nil {
		return err
	}
	smARN := ""
	for arn, d := range deps {
		if d.Pipeline == v["SLUICE_PIPELINE"] {
			smARN = arn
		}
	}
	if smARN == "" {
		return nil
	}
	runID := executionOf(smARN, v["SLUICE_RUN_ID"])
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := s.Store.Run(ctx, s.Environment, runID)
	switch {
	case sluice.KindOf(err) == sluice.KindNotFound:
		// The job's event came before its execution's: record the run
		// as running until its own event says more.
		d.RunRecord = sluice.RunRecord{ID: runID, Name: v["SLUICE_RUN_ID"], Project: s.Project, Environment: s.Environment,
			Backend: "aws", Pipeline: deps[smARN].Pipeline, Status: sluice.ExecutionRunning, Started: e.Created}
		if err := s.Store.PutRun(ctx, d.RunRecord); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	a := attemptFor(d.Attempts, runID, v["SLUICE_STEP"], pathOf(v), e.JobID)
	wasFinal := final(a.Status)
	mergeJob(&a, e)
	if err := s.Store.PutAttempt(ctx, a); err != nil {
		return err
	}
	if s.Ended != nil && !wasFinal && final(a.Status) {
		s.Ended.AttemptEnded(d.RunRecord, a)
	}
	return nil
}

// attemptFor returns the attempt of the job id, or a new one numbered
// after path's others: Step Functions' retries submit a new job each.
func attemptFor(have []sluice.AttemptRecord, runID, step, path, jobID string) sluice.AttemptRecord {
	n := 0
	for _, a := range have {
		if a.Path != path {
			continue
		}
		if a.JobID == jobID {
			return a
		}
		n = max(n, a.Attempt)
	}
	return sluice.AttemptRecord{RunID: runID, Step: step, Path: path, Attempt: n + 1, JobID: jobID, ForeachIndex: indexesOf(path)}
}

// mergeJob puts what e says into a, unless a's status is later.
func mergeJob(a *sluice.AttemptRecord, e JobEvent) {
	if a.Started.IsZero() {
		a.Started = firstTime(e.Started, e.Created, e.Time)
	}
	if a.Log == "" {
		// Any event that names the stream says where the log is, even
		// one delivered late.
		a.Log = logs.JobStream(e.JobARN, e.LogGroup, e.LogStream)
	}
	if jobRank(e.Status) < jobRank(batchStatus(a.Status)) {
		return
	}
	a.Status = attemptStatus(e.Status)
	if !e.Stopped.IsZero() {
		a.Stopped = e.Stopped
	}
	if e.ExitCode != nil {
		a.ExitCode = e.ExitCode
	}
	if e.LogStream != "" {
		a.Log = logs.JobStream(e.JobARN, e.LogGroup, e.LogStream)
	}
	if e.Status == "FAILED" && e.StatusReason != "" {
		a.Error = e.StatusReason
	}
}

// jobRank orders a Batch job's states as they follow one another.
func jobRank(status string) int {
	for i, s := range []string{"", "SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"} {
		if s == status {
			return i
		}
	}
	return 6 // SUCCEEDED, FAILED
}

// attemptStatus is the attempt status of a Batch job status: RUNNING
// until it ends.
func attemptStatus(batch string) string {
	switch batch {
	case "SUCCEEDED":
		return sluice.ExecutionSucceeded
	case "FAILED":
		return sluice.ExecutionFailed
	}
	return sluice.ExecutionRunning
}

// batchStatus is the Batch status ranked like an attempt status.
func batchStatus(attempt string) string {
	switch attempt {
	case sluice.ExecutionSucceeded, sluice.ExecutionFailed:
		return attempt
	case "":
		return ""
	}
	return "SUBMITTED"
}

func (s *StoreSink) deployment(ctx context.Context, arn string) (Deployment, bool, error) {
	deps, err := s.Deployed(ctx)
	if err != nil {
		return Deployment{}, false, err
	}
	d, ok := deps[arn]
	return d, ok, nil
}

// run reads the run id, reporting whether there is one.
func (s *StoreSink) run(ctx context.Context, id string) (sluice.RunRecord, bool, error) {
	d, err := s.Store.Run(ctx, s.Environment, id)
	switch {
	case sluice.KindOf(err) == sluice.KindNotFound:
		return sluice.RunRecord{}, false, nil
	case err != nil:
		return sluice.RunRecord{}, false, err
	}
	return d.RunRecord, true, nil
}

// parametersOf is the "parameters" object of an execution's input (the
// whole input when it has none), nil for no input.
func parametersOf(input string) json.RawMessage {
	if input == "" {
		return nil
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal([]byte(input), &in); err != nil {
		return nil
	}
	if p, ok := in["parameters"]; ok {
		return p
	}
	return json.RawMessage(input)
}

// stateMachineOf is the state machine ARN of an execution ARN
// (arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME).
func stateMachineOf(exec string) string {
	parts := strings.Split(exec, ":")
	if len(parts) != 8 || parts[5] != "execution" {
		return ""
	}
	parts[5] = "stateMachine"
	return strings.Join(parts[:7], ":")
}

// executionOf is the ARN of the execution name of the state machine sm.
func executionOf(sm, name string) string {
	return strings.Replace(sm, ":stateMachine:", ":execution:", 1) + ":" + name
}

// nameOf is the last part of an execution ARN: its name.
func nameOf(exec string) string { return exec[strings.LastIndex(exec, ":")+1:] }

func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// pathOf is the attempt path of a job: its step, after the indexes of
// the foreach copies it ran in ("3/1/predict"), read from SLUICE_OUTPUT
// (ARTIFACTS/STEP[/INDEX/...]). Unlike the local backend's paths, it
// does not name the enclosing foreach states, which a job does not know.
func pathOf(v map[string]string) string {
	step, out := v["SLUICE_STEP"], v["SLUICE_OUTPUT"]
	i := strings.LastIndex(out, "/"+step+"/")
	if i < 0 {
		return step
	}
	if rest := strings.Trim(out[i+len(step)+2:], "/"); rest != "" {
		return rest + "/" + step
	}
	return step
}

// indexesOf are the foreach indexes of a path pathOf made.
func indexesOf(path string) []int {
	var out []int
	for _, p := range strings.Split(path, "/") {
		n, err := strconv.Atoi(p)
		if err != nil {
			break
		}
		out = append(out, n)
	}
	return out
}
