package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

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
