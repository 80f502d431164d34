package sqlitestore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
	"github.com/sluice-dev/sluice/runstore/storetest"
)

func factory() storetest.Factory {
	return storetest.Factory{
		New: func(tb testing.TB) string { return filepath.Join(tb.TempDir(), "state", "runs.db") },
		Open: func(ctx context.Context, loc string) (sluice.RunStore, error) {
			return sqlitestore.Open(ctx, loc)
		},
		OpenVersion: func(ctx context.Context, loc string, v int) (sluice.RunStore, error) {
			return sqlitestore.OpenVersion(ctx, loc, v)
		},
		Exec: func(ctx context.Context, loc, stmt string) error {
			db, err := sql.Open("sqlite", "file:"+loc)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			_, err = db.ExecContext(ctx, stmt)
			return err
		},
	}
}

func TestSuite(t *testing.T) { storetest.Run(t, factory()) }

func BenchmarkForeachRun(b *testing.B) { storetest.BenchmarkForeachRun(b, factory()) }
