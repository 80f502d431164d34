package runstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one versioned schema change.
type migration struct {
	version int
	name    string
	stmts   []string
}

// migrations returns the embedded migrations in version order. A file
// not named NNNN_name.sql is an error: the build shipped a broken schema.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("runstore: migration %s: name it NNNN_name.sql", e.Name())
		}
		text, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), stmts: statements(string(text))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// statements splits SQL text at semicolons ending a line, dropping
// comment lines: the migrations hold no semicolon inside a statement.
func statements(text string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// migrate brings db's schema to the newest version, each migration in
// its own transaction; lock, when not empty, is run first in each so
// that two processes opening one database migrate it once. It fails when
// the database was migrated by a newer Sluice.
func migrate(ctx context.Context, db *sql.DB, lock string, maxVersion int) (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS runstore_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("runstore: migrations table: %w", err)
	}
	latest, known := ms[len(ms)-1].version, ms[len(ms)-1].version
	for _, m := range ms {
		if maxVersion > 0 && m.version > maxVersion {
			break
		}
		if err := apply(ctx, db, lock, m, known); err != nil {
			return 0, err
		}
		latest = m.version
	}
	return latest, nil
}

// apply runs m unless the database already has it.
func apply(ctx context.Context, db *sql.DB, lock string, m migration, latest int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("runstore: migration %s: %w", m.name, err)
	}
	defer func() { _ = tx.Rollback() }()
	if lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return fmt.Errorf("runstore: migration lock: %w", err)
		}
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM runstore_migrations`).Scan(&have); err != nil {
		return fmt.Errorf("runstore: schema version: %w", err)
	}
	if have > latest {
		return fmt.Errorf("runstore: the database's schema is at version %d, newer than this Sluice knows (%d): upgrade Sluice", have, latest)
	}
	if have >= m.version {
		return nil
	}
	for _, s := range m.stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("runstore: migration %s: %w", m.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO runstore_migrations (version, name, applied) VALUES ($1, $2, $3)`,
		m.version, m.name, time.Now().UnixMicro()); err != nil {
		return fmt.Errorf("runstore: migration %s: %w", m.name, err)
	}
	return tx.Commit()
}
