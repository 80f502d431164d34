package pgstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/pgtest"
	"github.com/sluice-dev/sluice/runstore/pgstore"
	"github.com/sluice-dev/sluice/runstore/storetest"
)

// factory makes a database per test on one throwaway server.
func factory(tb testing.TB) storetest.Factory {
	srv := pgtest.Start(tb)
	var n atomic.Int64
	return storetest.Factory{
		New: func(tb testing.TB) string {
			db, err := sql.Open("pgx", srv.DSN)
			if err != nil {
				tb.Fatal(err)
			}
			defer func() { _ = db.Close() }()
			name := fmt.Sprintf("runs%d", n.Add(1))
			if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
				tb.Fatal(err)
			}
			return strings.Replace(srv.DSN, "dbname=postgres", "dbname="+name, 1)
		},
		Open: func(ctx context.Context, loc string) (sluice.RunStore, error) { return pgstore.Open(ctx, loc) },
		OpenVersion: func(ctx context.Context, loc string, v int) (sluice.RunStore, error) {
			return pgstore.OpenVersion(ctx, loc, v)
		},
		Exec: func(ctx context.Context, loc, stmt string) error {
			db, err := sql.Open("pgx", loc)
			if err != nil {
				return err
			}
			defer func() { _ = db.Close() }()
			_, err = db.ExecContext(ctx, stmt)
			return err
		},
	}
}

func TestSuite(t *testing.T) { storetest.Run(t, factory(t)) }

func BenchmarkForeachRun(b *testing.B) { storetest.BenchmarkForeachRun(b, factory(b)) }
