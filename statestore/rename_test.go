package statestore_test

import (
	"errors"
	"testing"

	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

// TestRenameEnvironment moves an environment's inventory, journal,
// history and meta to a new key, keeps its journal sequence, and touches
// no other environment.
func TestRenameEnvironment(t *testing.T) {
	s := statestoretest.MustOpen(t, statestore.Options{})
	var seq uint64
	mustUpdate(t, s, func(tx *statestore.Tx) (err error) {
		mustPut(t, tx, "dev", record("Bucket/a"))
		mustPut(t, tx, "prod", record("Bucket/p"))
		if err := tx.AppendHistory("dev", statestore.Entry{Revision: "r1", Time: t0, Result: "succeeded"}); err != nil {
			return err
		}
		if err := tx.PutMeta("dev", statestore.Meta{LastAppliedRevision: "r1", Repository: "app"}); err != nil {
			return err
		}
		seq, err = tx.BeginOp("dev", op("Bucket/b", statestore.ActionCreate))
		return err
	})
	mustUpdate(t, s, func(tx *statestore.Tx) error { return tx.RenameEnvironment("dev", "app/dev") })
	mustView(t, s, func(tx *statestore.Tx) error {
		envs, err := tx.Environments()
		if err != nil || len(envs) != 2 || envs[0] != "app/dev" || envs[1] != "prod" {
			t.Errorf("environments after the rename = %v, %v; want [app/dev prod]", envs, err)
		}
		if m, err := tx.Meta("app/dev"); err != nil || m.LastAppliedRevision != "r1" || m.Repository != "app" {
			t.Errorf("meta of app/dev = %+v, %v", m, err)
		}
		if h, err := tx.History("app/dev"); err != nil || len(h) != 1 || h[0].Revision != "r1" {
			t.Errorf("history of app/dev = %+v, %v", h, err)
		}
		if ops, err := tx.PendingOps("app/dev"); err != nil || len(ops) != 1 {
			t.Errorf("journal of app/dev = %+v, %v", ops, err)
		}
		return nil
	})
	if got := resources(t, s, "app/dev"); len(got) != 1 || got[0].ID != "Bucket/a" {
		t.Errorf("inventory of app/dev = %+v", got)
	}
	if got := resources(t, s, "prod"); len(got) != 1 || got[0].ID != "Bucket/p" {
		t.Errorf("inventory of prod = %+v; the rename touched it", got)
	}
	var next uint64
	mustUpdate(t, s, func(tx *statestore.Tx) (err error) {
		next, err = tx.BeginOp("app/dev", op("Bucket/c", statestore.ActionCreate))
		return err
	})
	if next <= seq {
		t.Errorf("journal sequence after the rename = %d, want > %d", next, seq)
	}
	if err := s.Check(); err != nil {
		t.Errorf("check after the rename: %v", err)
	}
}

// TestRenameEnvironmentRefused: nothing to move, a taken name and a
// read-only transaction change nothing.
func TestRenameEnvironmentRefused(t *testing.T) {
	s := statestoretest.MustOpen(t, statestore.Options{})
	mustUpdate(t, s, func(tx *statestore.Tx) error {
		mustPut(t, tx, "dev", record("Bucket/a"))
		mustPut(t, tx, "app/dev", record("Bucket/b"))
		return nil
	})
	for _, c := range []struct{ from, to string }{{"qa", "app/qa"}, {"dev", "app/dev"}, {"dev", ""}} {
		err := s.Update(func(tx *statestore.Tx) error { return tx.RenameEnvironment(c.from, c.to) })
		if !errors.Is(err, statestore.ErrInvalid) {
			t.Errorf("RenameEnvironment(%q, %q) = %v, want ErrInvalid", c.from, c.to, err)
		}
	}
	err := s.View(func(tx *statestore.Tx) error { return tx.RenameEnvironment("dev", "other/dev") })
	if !errors.Is(err, statestore.ErrInvalid) {
		t.Errorf("RenameEnvironment in View = %v, want ErrInvalid", err)
	}
	if got := resources(t, s, "dev"); len(got) != 1 || got[0].ID != "Bucket/a" {
		t.Errorf("inventory of dev = %+v after refused renames", got)
	}
}
