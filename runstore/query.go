package runstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice"
)

const runColumns = `id, name, project, pipeline, environment, backend, revision, spec_hash, parameters, status, started, stopped, error, cause,
	origin`

const attemptColumns = `run_id, path, attempt, step, foreach_index, foreach_item, job_id, status, started, stopped, exit_code,
	error, cause, log, outputs, origin_run, origin_attempt`

const artifactColumns = `uri, run_id, path, attempt, size, checksum, written, source`

// defaultLimit is how many runs Runs lists when the filter sets no limit.
const defaultLimit = 100

// Runs lists the runs f selects, newest first.
func (s *Store) Runs(ctx context.Context, f sluice.RunFilter) ([]sluice.RunRecord, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	// Only the conditions set are written, so that the database can use
	// the index on (environment, started): "$1 = '' OR environment = $1"
	// makes SQLite scan every run.
	var where []string
	var args []any
	for _, c := range []struct{ column, value string }{
		{"environment", f.Environment}, {"pipeline", f.Pipeline}, {"status", f.Status}, {"name", f.Name}, {"project", f.Project},
	} {
		if c.value != "" {
			args = append(args, c.value)
			where = append(where, fmt.Sprintf("%s = $%d", c.column, len(args)))
		}
	}
	query := `SELECT ` + runColumns + ` FROM runs`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, query+fmt.Sprintf(` ORDER BY started DESC, id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, wrap("Runs", err)
	}
	defer func() { _ = rows.Close() }()
	var out []sluice.RunRecord
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, wrap("Runs", err)
		}
		out = append(out, r)
	}
	return out, wrap("Runs", rows.Err())
}

// Run returns the run whose ID or name is id (in env, when not empty),
// with its attempts and artifacts.
func (s *Store) Run(ctx context.Context, env, id string) (sluice.RunDetail, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM runs
		WHERE (id = $1 OR name = $1) AND ($2 = '' OR environment = $2) ORDER BY started DESC LIMIT 2`, id, env)
	if err != nil {
		return sluice.RunDetail{}, wrap("Run", err)
	}
	var found []sluice.RunRecord
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			_ = rows.Close()
			return sluice.RunDetail{}, wrap("Run", err)
		}
		found = append(found, r)
	}
	_ = rows.Close()
	if err := rows.Err(); err != nil {
		return sluice.RunDetail{}, wrap("Run", err)
	}
	switch {
	case len(found) == 0:
		return sluice.RunDetail{}, errNotFound("Run", "no run %s", id)
	case len(found) > 1 && found[0].ID != id:
		return sluice.RunDetail{}, sluice.E("runstore.Run", sluice.KindConflict,
			fmt.Errorf("%s names runs of several pipelines (%s, %s): give its id", id, found[0].ID, found[1].ID))
	}
	d := sluice.RunDetail{RunRecord: found[0]}
	if d.Attempts, err = s.attempts(ctx, d.ID); err != nil {
		return sluice.RunDetail{}, err
	}
	if d.Artifacts, err = s.artifacts(ctx, `run_id = $1`, d.ID); err != nil {
		return sluice.RunDetail{}, err
	}
	return d, nil
}

// maxCopies bounds how many copies Lineage follows back to an original.
const maxCopies = 64

// Lineage returns what wrote the artifact uri, following the copies
// reused steps made back to the artifact a step wrote.
func (s *Store) Lineage(ctx context.Context, uri string) (sluice.Lineage, error) {
	as, err := s.artifacts(ctx, `uri = $1`, uri)
	if err != nil {
		return sluice.Lineage{}, err
	}
	if len(as) == 0 {
		return sluice.Lineage{}, errNotFound("Lineage", "no recorded step wrote %s", uri)
	}
	var l sluice.Lineage
	for as[0].Source != "" && len(l.Copies) < maxCopies {
		src, err := s.artifacts(ctx, `uri = $1`, as[0].Source)
		if err != nil {
			return sluice.Lineage{}, err
		}
		if len(src) == 0 {
			break // the original's run was pruned: the copy is what is known
		}
		l.Copies, as = append(l.Copies, as[0]), src
	}
	d, err := s.Run(ctx, "", as[0].RunID)
	if err != nil {
		return sluice.Lineage{}, err
	}
	l.Artifact, l.Run = as[0], d.RunRecord
	for _, a := range d.Attempts {
		if a.Path == l.Artifact.Path && a.Attempt == l.Artifact.Attempt {
			l.Attempt = a
		}
	}
	return l, nil
}

func (s *Store) attempts(ctx context.Context, runID string) ([]sluice.AttemptRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+attemptColumns+` FROM attempts WHERE run_id = $1
		ORDER BY started, path, attempt`, runID)
	if err != nil {
		return nil, wrap("Run", err)
	}
	defer func() { _ = rows.Close() }()
	out := []sluice.AttemptRecord{}
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, wrap("Run", err)
		}
		out = append(out, a)
	}
	return out, wrap("Run", rows.Err())
}

func (s *Store) artifacts(ctx context.Context, where string, arg any) ([]sluice.ArtifactRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+artifactColumns+` FROM artifacts WHERE `+where+` ORDER BY uri`, arg)
	if err != nil {
		return nil, wrap("Artifacts", err)
	}
	defer func() { _ = rows.Close() }()
	out := []sluice.ArtifactRecord{}
	for rows.Next() {
		var a sluice.ArtifactRecord
		var written int64
		if err := rows.Scan(&a.URI, &a.RunID, &a.Path, &a.Attempt, &a.Size, &a.Checksum, &written, &a.Source); err != nil {
			return nil, wrap("Artifacts", err)
		}
		a.Written = fromMicros(written)
		out = append(out, a)
	}
	return out, wrap("Artifacts", rows.Err())
}

func scanRun(rows *sql.Rows) (sluice.RunRecord, error) {
	var r sluice.RunRecord
	var params string
	var started, stopped int64
	err := rows.Scan(&r.ID, &r.Name, &r.Project, &r.Pipeline, &r.Environment, &r.Backend, &r.Revision, &r.SpecHash,
		&params, &r.Status, &started, &stopped, &r.Error, &r.Cause, &r.Origin)
	r.Parameters, r.Started, r.Stopped = raw(params), fromMicros(started), fromMicros(stopped)
	return r, err
}

func scanAttempt(rows *sql.Rows) (sluice.AttemptRecord, error) {
	var a sluice.AttemptRecord
	var idx, item, outputs string
	var started, stopped int64
	var exit sql.NullInt64
	err := rows.Scan(&a.RunID, &a.Path, &a.Attempt, &a.Step, &idx, &item, &a.JobID, &a.Status, &started, &stopped,
		&exit, &a.Error, &a.Cause, &a.Log, &outputs, &a.OriginRun, &a.OriginAttempt)
	if err != nil {
		return a, err
	}
	if idx != "" && idx != "null" {
		if err := json.Unmarshal([]byte(idx), &a.ForeachIndex); err != nil {
			return a, errors.Join(errors.New("foreach_index"), err)
		}
	}
	if exit.Valid {
		code := int(exit.Int64)
		a.ExitCode = &code
	}
	a.ForeachItem, a.Outputs, a.Started, a.Stopped = raw(item), raw(outputs), fromMicros(started), fromMicros(stopped)
	return a, nil
}
