package statestore_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func record(id sluice.ResourceID) statestore.Record {
	return statestore.Record{ID: id, Name: "p-dev-" + string(id), CreatedAt: t0}
}

func writeFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func mustUpdate(tb testing.TB, s *statestore.Store, fn func(*statestore.Tx) error) {
	tb.Helper()
	if err := s.Update(fn); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

func mustView(tb testing.TB, s *statestore.Store, fn func(*statestore.Tx) error) {
	tb.Helper()
	if err := s.View(fn); err != nil {
		tb.Fatalf("View: %v", err)
	}
}

func mustPut(tb testing.TB, tx *statestore.Tx, env string, r statestore.Record) {
	tb.Helper()
	if err := tx.PutResource(env, r); err != nil {
		tb.Fatalf("PutResource: %v", err)
	}
}

func resources(tb testing.TB, s *statestore.Store, env string) []statestore.Record {
	tb.Helper()
	var out []statestore.Record
	mustView(tb, s, func(tx *statestore.Tx) error {
		var err error
		out, err = tx.Resources(env)
		return err
	})
	return out
}

// create makes a new, empty state file at path.
func create(tb testing.TB, path string) {
	tb.Helper()
	s, err := statestore.Open(path, statestore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
}

func withCreated(r statestore.Record, at time.Time) statestore.Record {
	r.CreatedAt = at
	return r
}
