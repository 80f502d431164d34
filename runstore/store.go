package runstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
)

// Store is a sluice.RunStore over a database/sql database.
type Store struct {
	db *sql.DB
	// version is the schema version the store migrated to.
	version int
}

var _ sluice.RunStore = (*Store)(nil)

// Options say how Open migrates.
type Options struct {
	// MigrationLock is a statement run first in each migration's
	// transaction to keep other processes out (PostgreSQL: an advisory
	// transaction lock); empty for a database with one writer at a time.
	MigrationLock string
	// MaxVersion, when not 0, stops the migrations at that version (to
	// test upgrades from an older schema).
	MaxVersion int
}

// Open applies the embedded migrations to db and returns the store over
// it. Close closes db. It fails when a migration fails or the database's
// schema is newer than this Sluice knows.
func Open(ctx context.Context, db *sql.DB, opts Options) (*Store, error) {
	v, err := migrate(ctx, db, opts.MigrationLock, opts.MaxVersion)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, version: v}, nil
}

// Version returns the schema version the store runs at.
func (s *Store) Version() int { return s.version }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// PutRun inserts or replaces the run r.ID.
func (s *Store) PutRun(ctx context.Context, r sluice.RunRecord) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO runs (id, name, project, pipeline, environment, backend, revision, spec_hash,
		parameters, status, started, stopped, error, cause, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, project = excluded.project, pipeline = excluded.pipeline,
		environment = excluded.environment, backend = excluded.backend, revision = excluded.revision, spec_hash = excluded.spec_hash,
		parameters = excluded.parameters, status = excluded.status, started = excluded.started, stopped = excluded.stopped,
		error = excluded.error, cause = excluded.cause, origin = excluded.origin`,
		r.ID, r.Name, r.Project, r.Pipeline, r.Environment, r.Backend, r.Revision, r.SpecHash, text(r.Parameters),
		r.Status, micros(r.Started), micros(r.Stopped), r.Error, r.Cause, r.Origin)
	return wrap("PutRun", err)
}

// PutAttempt inserts or replaces the attempt (a.RunID, a.Path, a.Attempt).
func (s *Store) PutAttempt(ctx context.Context, a sluice.AttemptRecord) error {
	idx, err := json.Marshal(a.ForeachIndex)
	if err != nil {
		return wrap("PutAttempt", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO attempts (run_id, path, attempt, step, foreach_index, foreach_item, job_id, status,
		started, stopped, exit_code, error, cause, log, outputs, origin_run, origin_attempt)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (run_id, path, attempt) DO UPDATE SET step = excluded.step, foreach_index = excluded.foreach_index,
		foreach_item = excluded.foreach_item, job_id = excluded.job_id, status = excluded.status, started = excluded.started,
		stopped = excluded.stopped, exit_code = excluded.exit_code, error = excluded.error, cause = excluded.cause,
		log = excluded.log, outputs = excluded.outputs, origin_run = excluded.origin_run, origin_attempt = excluded.origin_attempt`,
		a.RunID, a.Path, a.Attempt, a.Step, string(idx), text(a.ForeachItem), a.JobID, a.Status,
		micros(a.Started), micros(a.Stopped), a.ExitCode, a.Error, a.Cause, a.Log, text(a.Outputs), a.OriginRun, a.OriginAttempt)
	return wrap("PutAttempt", err)
}

// PutArtifacts inserts or replaces artifacts by URI, in one transaction.
func (s *Store) PutArtifacts(ctx context.Context, as []sluice.ArtifactRecord) error {
	if len(as) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return wrap("PutArtifacts", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, a := range as {
		_, err := tx.ExecContext(ctx, `INSERT INTO artifacts (uri, run_id, path, attempt, size, checksum, written, source)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (uri) DO UPDATE SET run_id = excluded.run_id, path = excluded.path,
			attempt = excluded.attempt, size = excluded.size, checksum = excluded.checksum, written = excluded.written,
			source = excluded.source`,
			a.URI, a.RunID, a.Path, a.Attempt, a.Size, a.Checksum, micros(a.Written), a.Source)
		if err != nil {
			return wrap("PutArtifacts", err)
		}
	}
	return wrap("PutArtifacts", tx.Commit())
}

// Prune deletes the runs that ended before before, with their attempts
// and artifacts, in one transaction; runs still going are kept.
func (s *Store) Prune(ctx context.Context, before time.Time) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, wrap("Prune", err)
	}
	defer func() { _ = tx.Rollback() }()
	cut := before.UnixMicro()
	const old = `SELECT id FROM runs WHERE stopped > 0 AND stopped < $1`
	for _, q := range []string{
		`DELETE FROM attempts WHERE run_id IN (` + old + `)`,
		`DELETE FROM artifacts WHERE run_id IN (` + old + `)`,
	} {
		if _, err := tx.ExecContext(ctx, q, cut); err != nil {
			return 0, wrap("Prune", err)
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE stopped > 0 AND stopped < $1`, cut)
	if err != nil {
		return 0, wrap("Prune", err)
	}
	n, _ := res.RowsAffected()
	return int(n), wrap("Prune", tx.Commit())
}

// wrap makes a database error a *sluice.Error of the operation, transient:
// a database that cannot be reached may come back.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return sluice.Transient(sluice.E("runstore."+op, sluice.KindTransient, err))
}

// micros is t in Unix microseconds, 0 for the zero time.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros is the time of Unix microseconds us, zero for 0.
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// text is JSON as stored: "" for none.
func text(j json.RawMessage) string { return string(j) }

// raw is stored JSON text as a value: nil for "".
func raw(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// errNotFound is the error of a lookup that found nothing.
func errNotFound(op, format string, args ...any) error {
	return sluice.E("runstore."+op, sluice.KindNotFound, fmt.Errorf(format, args...))
}
