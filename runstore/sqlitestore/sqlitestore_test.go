package sqlitestore_test

import (
	"context"
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
	}
}

func TestSuite(t *testing.T) { storetest.Run(t, factory()) }

func BenchmarkForeachRun(b *testing.B) { storetest.BenchmarkForeachRun(b, factory()) }
