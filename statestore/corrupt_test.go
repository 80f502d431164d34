package statestore_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

// populated makes a state file holding two environments: dev with two
// resources, a pending op, history and meta; prod with one resource.
func populated(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := statestore.Open(path, statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, s, func(tx *statestore.Tx) error {
		mustPut(t, tx, "dev", record("Bucket/a"))
		mustPut(t, tx, "dev", record("Bucket/b"))
		mustPut(t, tx, "prod", record("Bucket/a"))
		if _, err := tx.BeginOp("dev", statestore.Op{ID: "Bucket/c", Action: statestore.ActionCreate}); err != nil {
			return err
		}
		if err := tx.AppendHistory("dev", statestore.Entry{Revision: "abc", Time: t0, Result: "applied"}); err != nil {
			return err
		}
		return tx.PutMeta("dev", statestore.Meta{LastAppliedRevision: "abc"})
	})
	// A second transaction frees pages, so the file has a free list.
	mustUpdate(t, s, func(tx *statestore.Tx) error { return tx.DeleteResource("dev", "Bucket/b") })
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpenCorrupt opens files with garbage over a page: the free list
// page, every data page. Open, writable or not, returns ErrCorrupt
// naming the file and what to do, never panics, and releases the file
// (a second Open gets the same error, not ErrLocked); CheckFile reports
// the problem.
func TestOpenCorrupt(t *testing.T) {
	tests := []struct {
		name  string
		pages statestoretest.Pages
	}{
		{"garbage free list page", statestoretest.FreelistPage},
		{"garbage data pages", statestoretest.DataPages},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := populated(t)
			statestoretest.Garble(t, path, tt.pages)
			for _, opts := range []statestore.Options{{}, {}, {ReadOnly: true}} {
				s, err := statestore.Open(path, opts)
				if err == nil {
					_ = s.Close()
					t.Fatalf("Open(%+v) of a corrupt file succeeded", opts)
				}
				if !errors.Is(err, statestore.ErrCorrupt) {
					t.Fatalf("Open(%+v) = %v, want ErrCorrupt", opts, err)
				}
				for _, want := range []string{path, "restore the file from a backup", "move it away", "ownership tags"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("Open error lacks %q:\n%v", want, err)
					}
				}
			}
			r, err := statestore.CheckFile(path, statestore.Options{})
			if err != nil || len(r.Problems) == 0 {
				t.Fatalf("CheckFile = %+v, %v; want problems", r, err)
			}
		})
	}
}

// TestOpenEmptyFile refuses a 0-byte state file, leaving it as it is.
func TestOpenEmptyFile(t *testing.T) {
	path := writeFile(t, "state.db", "")
	for _, opts := range []statestore.Options{{}, {ReadOnly: true}} {
		s, err := statestore.Open(path, opts)
		if err == nil {
			_ = s.Close()
			t.Fatalf("Open(%+v) of an empty file succeeded", opts)
		}
		if !errors.Is(err, statestore.ErrEmpty) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "history") {
			t.Errorf("Open(%+v) = %v, want ErrEmpty naming the file and the history at stake", opts, err)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Errorf("the empty file was changed: %v, %v", fi, err)
	}
	r, err := statestore.CheckFile(path, statestore.Options{})
	if err != nil || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "empty") {
		t.Errorf("CheckFile = %+v, %v; want the empty file as its one problem", r, err)
	}
}

// TestCheckFileCounts checks a sound file: no problems, the format and
// what each environment holds.
func TestCheckFileCounts(t *testing.T) {
	path := populated(t)
	r, err := statestore.CheckFile(path, statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("format %d problems %v envs %+v", r.Format, r.Problems, r.Environments)
	want := fmt.Sprintf("format %d problems [] envs [{Name:dev Resources:1 Ops:1 History:1 Meta:true} {Name:prod Resources:1 Ops:0 History:0 Meta:false}]", statestore.FormatVersion)
	if got != want {
		t.Errorf("CheckFile:\n got %s\nwant %s", got, want)
	}
	if _, err := statestore.CheckFile(filepath.Join(t.TempDir(), "absent.db"), statestore.Options{}); err == nil {
		t.Error("CheckFile of a missing file succeeded")
	}
}
