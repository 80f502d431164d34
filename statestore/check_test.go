package statestore_test

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/statestore"
	bolt "go.etcd.io/bbolt"
)

// populate writes one of everything to a new file at path.
func populate(tb testing.TB, path string) {
	tb.Helper()
	s, err := statestore.Open(path, statestore.Options{})
	must(tb, err)
	mustUpdate(tb, s, func(tx *statestore.Tx) error {
		mustPut(tb, tx, "dev", fullRecord())
		if _, err := tx.BeginOp("dev", op("Bucket/a", statestore.ActionCreate)); err != nil {
			return err
		}
		if err := tx.AppendHistory("dev", entry(1)); err != nil {
			return err
		}
		return tx.PutMeta("dev", statestore.Meta{LastAppliedRevision: "r1"})
	})
	must(tb, s.Close())
}

func devPut(bucket string, key []byte, value string) func(*bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		env := tx.Bucket([]byte("envs")).Bucket([]byte("dev"))
		if bucket != "" {
			env = env.Bucket([]byte(bucket))
		}
		return env.Put(key, []byte(value))
	}
}

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(*bolt.Tx) error
		want    string // in Check's error; "" means Check passes
		readErr error  // what reading the damaged value returns
	}{
		{"intact", func(*bolt.Tx) error { return nil }, "", nil},
		{"record not JSON", devPut("resources", []byte("StateMachine/train"), `{"v":1,"data":{`), "StateMachine/train", statestore.ErrCorrupt},
		{"record of a newer format", devPut("resources", []byte("StateMachine/train"), `{"v":2,"data":{}}`), "newer", statestore.ErrNewerFormat},
		{"record of format 0", devPut("resources", []byte("StateMachine/train"), `{"id":"StateMachine/train"}`), "format 0", statestore.ErrCorrupt},
		{"record under another key", devPut("resources", []byte("Bucket/zz"), `{"v":1,"data":{"id":"Bucket/other"}}`), "under another key", nil},
		{"op with unknown action", devPut("ops", seqKey(1), `{"v":1,"data":{"seq":1,"id":"Bucket/a","action":"explode"}}`), "explode", nil},
		{"op under another seq", devPut("ops", seqKey(1), `{"v":1,"data":{"seq":4,"id":"Bucket/a","action":"create"}}`), "op 4", nil},
		{"history entry not JSON", devPut("history", seqKey(1), `nope`), "history", statestore.ErrCorrupt},
		{"meta not JSON", devPut("", []byte("meta"), `{"v":1,"data":[]}`), "meta", statestore.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.db")
			populate(t, path)
			rawUpdate(t, path, tt.corrupt)
			s, err := statestore.Open(path, statestore.Options{})
			must(t, err)
			defer func() { _ = s.Close() }()
			err = s.Check()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Check = %v, want nil", err)
			case tt.want != "" && (!errors.Is(err, statestore.ErrCorrupt) || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Check = %v, want ErrCorrupt saying %q", err, tt.want)
			}
			if tt.readErr != nil {
				if err := s.View(readAll); !errors.Is(err, tt.readErr) {
					t.Errorf("reading = %v, want %v", err, tt.readErr)
				}
			}
		})
	}
}

// readAll reads everything the store holds for dev.
func readAll(tx *statestore.Tx) error {
	if _, err := tx.Resources("dev"); err != nil {
		return err
	}
	if _, _, err := tx.Resource("dev", "StateMachine/train"); err != nil {
		return err
	}
	if _, err := tx.PendingOps("dev"); err != nil {
		return err
	}
	if _, err := tx.History("dev"); err != nil {
		return err
	}
	_, err := tx.Meta("dev")
	return err
}
