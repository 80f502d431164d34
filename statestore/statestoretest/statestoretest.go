// Package statestoretest helps tests use a state store: it opens one in a
// temporary directory and checks its consistency when the test ends.
package statestoretest

import (
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/statestore"
)

// MustOpen opens a store at state.db in tb.TempDir() with opts, failing the
// test when it cannot. When the test ends it runs the store's Check, then
// closes it, failing the test on any error.
func MustOpen(tb testing.TB, opts statestore.Options) *statestore.Store {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "state.db"), opts)
}

// MustOpenPath is MustOpen on a given path, for a test that reopens a file
// or prepared one beforehand.
func MustOpenPath(tb testing.TB, path string, opts statestore.Options) *statestore.Store {
	tb.Helper()
	s, err := statestore.Open(path, opts)
	if err != nil {
		tb.Fatalf("open state store: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Check(); err != nil {
			tb.Errorf("state store check: %v", err)
		}
		if err := s.Close(); err != nil {
			tb.Errorf("close state store: %v", err)
		}
	})
	return s
}

// PutResources records recs in env's inventory of store in one
// transaction, failing the test when it cannot.
func PutResources(tb testing.TB, store *statestore.Store, env string, recs ...statestore.Record) {
	tb.Helper()
	err := store.Update(func(tx *statestore.Tx) error {
		for _, r := range recs {
			if err := tx.PutResource(env, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("record resources of %s: %v", env, err)
	}
}
