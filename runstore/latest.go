package runstore

import (
	"context"

	"github.com/sluice-dev/sluice"
)

// LatestSucceeded returns, for each pipeline of project (any when empty)
// in env, the name of its newest succeeded run: one query, however many
// pipelines, where a query per pipeline made starting a run cost as many
// round trips as the environment has pipelines. Of runs started at the
// same instant the one with the smallest ID is taken, as Runs orders.
func (s *Store) LatestSucceeded(ctx context.Context, env, project string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.pipeline, r.name FROM runs r
		JOIN (SELECT pipeline, MAX(started) AS started FROM runs
			WHERE environment = $1 AND ($2 = '' OR project = $2) AND status = $3 GROUP BY pipeline) m
		ON r.pipeline = m.pipeline AND r.started = m.started
		WHERE r.environment = $1 AND ($2 = '' OR r.project = $2) AND r.status = $3
		ORDER BY r.pipeline, r.id`, env, project, sluice.ExecutionSucceeded)
	if err != nil {
		return nil, wrap("LatestSucceeded", err)
	}
	defer func() { _ = rows.Close() }()
	out := map[string]string{}
	for rows.Next() {
		var pipeline, name string
		if err := rows.Scan(&pipeline, &name); err != nil {
			return nil, wrap("LatestSucceeded", err)
		}
		if _, seen := out[pipeline]; !seen {
			out[pipeline] = name
		}
	}
	return out, wrap("LatestSucceeded", rows.Err())
}
