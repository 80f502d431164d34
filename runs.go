package sluice

import (
	"context"
	"encoding/json"
	"time"
)

// RunRecord is one execution of a deployed pipeline as the run store
// keeps it, whoever started it.
type RunRecord struct {
	// ID identifies the execution on its backend (an execution ARN); it
	// is the record's key.
	ID string `json:"id"`
	// Name is the execution's name: the run id steps see.
	Name        string `json:"name"`
	Project     string `json:"project,omitempty"`
	Pipeline    string `json:"pipeline"`
	Environment string `json:"environment"`
	// Backend is "local" or "aws".
	Backend string `json:"backend,omitempty"`
	// Revision and SpecHash are the Git revision and the state machine's
	// spec hash deployed when the run started.
	Revision string `json:"revision,omitempty"`
	SpecHash string `json:"specHash,omitempty"`
	// Parameters are every parameter's value, defaults included.
	Parameters json.RawMessage `json:"parameters,omitempty"`
	// Status is one of the Execution* constants.
	Status  string    `json:"status"`
	Started time.Time `json:"started"`
	Stopped time.Time `json:"stopped,omitzero"`
	Error   string    `json:"error,omitempty"`
	Cause   string    `json:"cause,omitempty"`
	// Origin is the ID of the run this one resumed, whose succeeded
	// steps it reused instead of running them again.
	Origin string `json:"origin,omitempty"`
}

// AttemptRecord is one try of one step (or of one copy of a step inside
// a foreach). Its key is the run, the path and the attempt number.
type AttemptRecord struct {
	RunID string `json:"runId"`
	// Step is the step's name; Path adds the enclosing foreach and split
	// states and iteration indexes ("shard.foreach/3/predict").
	Step string `json:"step"`
	Path string `json:"path"`
	// Attempt counts from 1.
	Attempt int `json:"attempt"`
	// ForeachIndex are the copy's indexes inside foreach steps, outermost
	// first; ForeachItem is the innermost copy's item as JSON.
	ForeachIndex []int           `json:"foreachIndex,omitempty"`
	ForeachItem  json.RawMessage `json:"foreachItem,omitempty"`
	// JobID is the Batch job (or local job) that ran the attempt.
	JobID   string    `json:"jobId,omitempty"`
	Status  string    `json:"status"`
	Started time.Time `json:"started"`
	Stopped time.Time `json:"stopped,omitzero"`
	// ExitCode is the container's exit code, when it exited.
	ExitCode *int   `json:"exitCode,omitempty"`
	Error    string `json:"error,omitempty"`
	Cause    string `json:"cause,omitempty"`
	// Log is where the attempt's output can be read: a file of the local
	// backend, or a CloudWatch Logs stream on AWS.
	Log string `json:"log,omitempty"`
	// Outputs are the values of the step's outputs.json, when it wrote one.
	Outputs json.RawMessage `json:"outputs,omitempty"`
	// OriginRun and OriginAttempt, when set, say that this attempt ran
	// nothing: it reused the succeeded attempt OriginAttempt of the same
	// path in run OriginRun (an ID), whose artifacts were copied.
	OriginRun     string `json:"originRun,omitempty"`
	OriginAttempt int    `json:"originAttempt,omitempty"`
}

// ArtifactRecord is one object a step's attempt wrote under its prefix.
type ArtifactRecord struct {
	RunID   string `json:"runId"`
	Path    string `json:"path"`
	Attempt int    `json:"attempt"`
	// URI is the object's address (s3://BUCKET/KEY); it is the record's
	// key: a later write of the same object replaces the record.
	URI  string `json:"uri"`
	Size int64  `json:"size"`
	// Checksum is "sha256:HEX" or, on S3, "version:ID".
	Checksum string    `json:"checksum,omitempty"`
	Written  time.Time `json:"written"`
	// Source, when set, is the URI of the artifact this one is a copy
	// of: a step reused from another run copies that run's artifacts.
	Source string `json:"source,omitempty"`
}

// RunDetail is a run with its attempts, in the order they started, and
// its artifacts, by URI.
type RunDetail struct {
	RunRecord
	Attempts  []AttemptRecord  `json:"attempts"`
	Artifacts []ArtifactRecord `json:"artifacts"`
}

// RunFilter selects runs; empty fields select all. Limit 0 means 100.
type RunFilter struct {
	Environment string
	// Project selects the runs of one project: two repositories' projects
	// may both have an environment of one name.
	Project  string
	Pipeline string
	Status   string
	// Name selects the runs called Name (a name may be reused across
	// pipelines; the ID is unique).
	Name  string
	Limit int
}

// Lineage is what produced an artifact: the attempt that wrote it and
// its run. An artifact a reused step copied from another run is traced
// to the run that wrote it: Artifact, Attempt and Run are the original's,
// and Copies are the copies from the one asked about back to it.
type Lineage struct {
	Artifact ArtifactRecord   `json:"artifact"`
	Attempt  AttemptRecord    `json:"attempt"`
	Run      RunRecord        `json:"run"`
	Copies   []ArtifactRecord `json:"copies,omitempty"`
}

// RunStore records runs as they happen and answers questions about them.
// Writes are upserts, so an event seen twice (or out of order with a
// catch-up listing) leaves one record. Every method is safe for
// concurrent use.
type RunStore interface {
	// PutRun inserts or replaces the run r.ID.
	PutRun(ctx context.Context, r RunRecord) error
	// PutAttempt inserts or replaces the attempt (a.RunID, a.Path,
	// a.Attempt).
	PutAttempt(ctx context.Context, a AttemptRecord) error
	// PutArtifacts inserts or replaces artifacts by URI, in one
	// transaction.
	PutArtifacts(ctx context.Context, as []ArtifactRecord) error
	// Runs lists the runs f selects, newest first.
	Runs(ctx context.Context, f RunFilter) ([]RunRecord, error)
	// Run returns the run whose ID or name is id, in env when env is not
	// empty. It fails with KindNotFound when none is, and KindConflict
	// when a name names several runs (use the ID).
	Run(ctx context.Context, env, id string) (RunDetail, error)
	// LatestSucceeded returns, for each pipeline of project (any project
	// when empty) in env, the name of its newest run that succeeded, in
	// one query: what a run's steps get as SLUICE_RUNS.
	LatestSucceeded(ctx context.Context, env, project string) (map[string]string, error)
	// Lineage returns what wrote the artifact uri, following copies to
	// the original; KindNotFound when no recorded step wrote it.
	Lineage(ctx context.Context, uri string) (Lineage, error)
	// Prune deletes the runs that ended before before, with their
	// attempts and artifacts, and returns how many runs it deleted.
	Prune(ctx context.Context, before time.Time) (int, error)
	// Close releases the store.
	Close() error
}
