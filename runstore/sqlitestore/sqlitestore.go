// Package sqlitestore is the run store in one embedded SQLite file, for a
// machine without PostgreSQL (the demo, the local backend). It uses
// modernc.org/sqlite, SQLite translated to Go: no C compiler, no server.
// The schema and queries are runstore's; this package only opens the file.
package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/sluice-dev/sluice/runstore"
)

// Open opens (creating it and its folder when missing) the SQLite
// database at path, applies the run store's migrations and returns the
// store. The file is in WAL mode, synchronous at every commit, and
// writers wait up to 10 s for each other, so several goroutines (and a
// second process reading) share it. It fails when the file cannot be
// created or opened or a migration fails.
func Open(ctx context.Context, path string) (*runstore.Store, error) {
	return OpenVersion(ctx, path, 0)
}

// OpenVersion is Open with the migrations stopped at version (0: all),
// to test upgrades from an older schema.
func OpenVersion(ctx context.Context, path string, version int) (*runstore.Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("run store: %w", err)
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("run store %s: %w", path, err)
	}
	// One connection: SQLite has one writer at a time, and queueing in
	// Go is cheaper than SQLite's busy waiting.
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("run store %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("run store: %w", err)
	}
	s, err := runstore.Open(ctx, db, runstore.Options{MaxVersion: version})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("run store %s: %w", path, err)
	}
	return s, nil
}
