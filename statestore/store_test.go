package statestore_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

func TestOpenLocked(t *testing.T) {
	tests := []struct {
		name        string
		first, then bool // ReadOnly of the first and second open
		wantLocked  bool
	}{
		{"writer blocks writer", false, false, true},
		{"writer blocks reader", false, true, true},
		{"reader blocks writer", true, false, true},
		{"readers share", true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.db")
			create(t, path)
			statestoretest.MustOpenPath(t, path, statestore.Options{ReadOnly: tt.first})
			start := time.Now()
			s, err := statestore.Open(path, statestore.Options{Timeout: 100 * time.Millisecond, ReadOnly: tt.then})
			if !tt.wantLocked {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				_ = s.Close()
				return
			}
			if !errors.Is(err, statestore.ErrLocked) {
				t.Fatalf("Open = %v, want ErrLocked", err)
			}
			if sluice.KindOf(err) != sluice.KindConflict {
				t.Errorf("kind = %q, want conflict", sluice.KindOf(err))
			}
			for _, want := range []string{path, "another Sluice process"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			// bbolt polls the lock every 50ms and gives up on the last poll
			// that fits in the timeout.
			if d := time.Since(start); d < 40*time.Millisecond || d > 2*time.Second {
				t.Errorf("Open gave up after %s, want about the 100ms timeout", d)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		opts statestore.Options
	}{
		{"missing directory", filepath.Join(dir, "no", "state.db"), statestore.Options{}},
		{"read-only missing file", filepath.Join(dir, "absent.db"), statestore.Options{ReadOnly: true}},
		{"not a bbolt file", writeFile(t, "junk.db", strings.Repeat("junk", 2000)), statestore.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := statestore.Open(tt.path, tt.opts)
			if err == nil {
				_ = s.Close()
				t.Fatal("Open succeeded")
			}
			if !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name %s", err, tt.path)
			}
		})
	}
}

func TestClosed(t *testing.T) {
	s, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	calls := map[string]func() error{
		"Update": func() error { return s.Update(func(*statestore.Tx) error { return nil }) },
		"View":   func() error { return s.View(func(*statestore.Tx) error { return nil }) },
		"Check":  s.Check,
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, statestore.ErrClosed) {
			t.Errorf("%s after Close = %v, want ErrClosed", name, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestUpdateRollsBack(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name    string
		fn      func(*statestore.Tx) error
		wantErr error
	}{
		{"error", func(tx *statestore.Tx) error {
			mustPut(t, tx, "dev", record("Bucket/data"))
			return errBoom
		}, errBoom},
		{"panic with a string", func(tx *statestore.Tx) error {
			mustPut(t, tx, "dev", record("Bucket/data"))
			panic("boom")
		}, statestore.ErrPanicked},
		{"panic with error", func(tx *statestore.Tx) error {
			mustPut(t, tx, "dev", record("Bucket/data"))
			panic(errBoom)
		}, errBoom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := statestoretest.MustOpen(t, statestore.Options{})
			err := s.Update(tt.fn)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Update = %v, want %v", err, tt.wantErr)
			}
			if panicked := strings.HasPrefix(tt.name, "panic"); errors.Is(err, statestore.ErrPanicked) != panicked {
				t.Errorf("Update = %v, ErrPanicked should be there iff fn panicked", err)
			}
			if got := resources(t, s, "dev"); len(got) != 0 {
				t.Errorf("rolled back Update left %v", got)
			}
			mustUpdate(t, s, func(tx *statestore.Tx) error { return tx.PutResource("dev", record("Bucket/after")) })
			if got := resources(t, s, "dev"); len(got) != 1 {
				t.Errorf("store unusable after rollback: %v", got)
			}
		})
	}
}

func TestViewPanics(t *testing.T) {
	s := statestoretest.MustOpen(t, statestore.Options{})
	err := s.View(func(*statestore.Tx) error { panic("boom") })
	if !errors.Is(err, statestore.ErrPanicked) || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("View = %v, want ErrPanicked with the panic value", err)
	}
	mustView(t, s, func(*statestore.Tx) error { return nil })
}

func TestWritesRefusedReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	create(t, path)
	ro := statestoretest.MustOpenPath(t, path, statestore.Options{ReadOnly: true})
	if err := ro.Update(func(*statestore.Tx) error { return nil }); !errors.Is(err, statestore.ErrInvalid) {
		t.Errorf("Update on a read-only store = %v, want ErrInvalid", err)
	}
	writes := map[string]func(*statestore.Tx) error{
		"PutResource":    func(tx *statestore.Tx) error { return tx.PutResource("dev", record("Bucket/a")) },
		"DeleteResource": func(tx *statestore.Tx) error { return tx.DeleteResource("dev", "Bucket/a") },
		"BeginOp": func(tx *statestore.Tx) error {
			_, err := tx.BeginOp("dev", statestore.Op{ID: "Bucket/a", Action: statestore.ActionCreate})
			return err
		},
		"EndOp":         func(tx *statestore.Tx) error { return tx.EndOp("dev", 1) },
		"AppendHistory": func(tx *statestore.Tx) error { return tx.AppendHistory("dev", statestore.Entry{Revision: "r1"}) },
		"PutMeta":       func(tx *statestore.Tx) error { return tx.PutMeta("dev", statestore.Meta{}) },
	}
	for name, write := range writes {
		err := ro.View(write)
		if !errors.Is(err, statestore.ErrInvalid) || sluice.KindOf(err) != sluice.KindInvalid {
			t.Errorf("%s in View = %v, want ErrInvalid", name, err)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	s := statestoretest.MustOpen(t, statestore.Options{HistoryDepth: 1000})
	const workers, each = 4, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				err := s.Update(func(tx *statestore.Tx) error {
					return tx.AppendHistory("dev", statestore.Entry{Revision: fmt.Sprintf("w%d-%d", w, i)})
				})
				if err != nil {
					t.Error(err)
				}
				if err := s.View(func(tx *statestore.Tx) error { _, err := tx.History("dev"); return err }); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	mustView(t, s, func(tx *statestore.Tx) error {
		h, err := tx.History("dev")
		if err != nil || len(h) != workers*each {
			t.Errorf("History has %d entries, %v; want %d", len(h), err, workers*each)
		}
		return nil
	})
}
