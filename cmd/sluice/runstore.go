package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/runstore"
	"github.com/sluice-dev/sluice/runstore/pgstore"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// openRunStore opens where the daemon records runs: the PostgreSQL
// database runs.postgresDSN names, or the embedded SQLite file
// (runs.file, default runs.db beside the state file). It says which in
// the log, and fails when the database cannot be reached or migrated.
func openRunStore(ctx context.Context, cfg *config.Config, log *slog.Logger) (*runstore.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if r := cfg.Runs; !r.Embedded() {
		dsn, err := r.PostgresDSN.Read()
		if err != nil {
			return nil, fmt.Errorf("runs.postgresDSN: %w", err)
		}
		s, err := pgstore.Open(ctx, string(dsn))
		if err != nil {
			return nil, err
		}
		log.Info("runs are recorded in PostgreSQL", "schema", s.Version(), "retention", r.Retention.String())
		return s, nil
	}
	s, err := sqlitestore.Open(ctx, cfg.Runs.File)
	if err != nil {
		return nil, err
	}
	log.Info("runs are recorded in the embedded database", "file", cfg.Runs.File, "schema", s.Version(), "retention", cfg.Runs.Retention.String())
	return s, nil
}

// settleLocalRuns ends, in the run store, the runs a previous daemon on
// these data directories left running when it was killed: they are
// recorded ABORTED, as the local backend reports them. It runs before
// any local world is opened.
func settleLocalRuns(ctx context.Context, cfg *config.Config, runs local.RunReader, log *slog.Logger) error {
	seen := map[string]bool{}
	for _, r := range cfg.Repositories {
		for _, e := range r.Environments {
			if e.Local == nil || seen[e.Local.Dir] {
				continue
			}
			seen[e.Local.Dir] = true
			n, err := local.SettleRuns(ctx, e.Local.Dir, runs)
			if err != nil {
				return fmt.Errorf("environment %s: %w", e.Name, err)
			}
			if n > 0 {
				log.Warn("runs left running by a stopped daemon recorded as aborted", "dir", e.Local.Dir, "runs", n)
			}
		}
	}
	return nil
}
