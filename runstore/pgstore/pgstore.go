// Package pgstore is the run store on PostgreSQL, through pgx: in
// production, the database of the project's MetadataStore. The schema
// and queries are runstore's; this package only connects.
package pgstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	// pgx's database/sql driver, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/sluice-dev/sluice/runstore"
)

// migrationLock keeps two daemons opening one database from migrating it
// at once: a transaction-scoped advisory lock on a fixed key.
const migrationLock = `SELECT pg_advisory_xact_lock(7307329651)`

// Open connects to the PostgreSQL database dsn (a URL or key=value
// string), applies the run store's migrations and returns the store. It
// fails when the server cannot be reached within ctx or a migration
// fails. The DSN, which may hold a password, is never in the error.
func Open(ctx context.Context, dsn string) (*runstore.Store, error) {
	return OpenVersion(ctx, dsn, 0)
}

// OpenVersion is Open with the migrations stopped at version (0: all),
// to test upgrades from an older schema.
func OpenVersion(ctx context.Context, dsn string, version int) (*runstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("run store: the PostgreSQL DSN cannot be read")
	}
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("run store: reach PostgreSQL: %w", err)
	}
	s, err := runstore.Open(ctx, db, runstore.Options{MigrationLock: migrationLock, MaxVersion: version})
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}
