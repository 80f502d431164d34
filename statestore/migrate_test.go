package statestore_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
	bolt "go.etcd.io/bbolt"
)

var updateV0 = flag.Bool("update-v0", false, "rewrite testdata/v0.db with writeV0")

const v0Fixture = "testdata/v0.db"

// writeV0 writes a state file in format 0, the first layout: a root bucket
// per environment, bare JSON values, no meta bucket, no journal.
func writeV0(tb testing.TB, path string) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	err = db.Update(func(tx *bolt.Tx) error {
		dev, err := tx.CreateBucket([]byte("dev"))
		if err != nil {
			return err
		}
		inv, _ := dev.CreateBucket([]byte("inventory"))
		must(tb, inv.Put([]byte("Bucket/data"), []byte(`{"id":"Bucket/data","type":"Bucket","name":"churn-dev-data","arn":"arn:aws:s3:::churn-dev-data","hash":"h1","revision":"r1","spec":{"Bucket":"churn-dev-data"},"retain":true,"created":"2026-11-26T12:00:00Z"}`)))
		must(tb, inv.Put([]byte("StateMachine/train"), []byte(`{"id":"StateMachine/train","type":"StateMachine","name":"churn-dev-train","arn":"arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-train","hash":"h2","revision":"r2","created":"2026-11-26T12:00:00Z"}`)))
		hist, _ := dev.CreateBucket([]byte("history"))
		for _, v := range []string{
			`{"revision":"r1","time":"2026-11-26T12:00:00Z","result":"applied"}`,
			`{"revision":"r2","time":"2026-11-26T13:00:00Z","result":"failed"}`,
		} {
			n, _ := hist.NextSequence()
			must(tb, hist.Put(binary.BigEndian.AppendUint64(nil, n), []byte(v)))
		}
		must(tb, dev.Put([]byte("lastApplied"), []byte("r2")))
		_, err = tx.CreateBucket([]byte("prod")) // an environment never applied
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func copyFile(tb testing.TB, src string) string {
	tb.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		tb.Fatal(err)
	}
	return writeFile(tb, "state.db", string(b))
}

func TestMigrateV0(t *testing.T) {
	if *updateV0 {
		if err := os.Remove(v0Fixture); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		writeV0(t, v0Fixture)
	}
	fresh := filepath.Join(t.TempDir(), "state.db")
	writeV0(t, fresh)
	for name, path := range map[string]string{"fixture": copyFile(t, v0Fixture), "fresh": fresh} {
		t.Run(name, func(t *testing.T) {
			s := statestoretest.MustOpenPath(t, path, statestore.Options{})
			assertMigratedV0(t, s)
		})
	}
}

func assertMigratedV0(t *testing.T, s *statestore.Store) {
	t.Helper()
	wantRes := []statestore.Record{
		{ID: "Bucket/data", Type: sluice.TypeBucket, Name: "churn-dev-data", ARN: "arn:aws:s3:::churn-dev-data",
			Deletion: sluice.DeletionRetain, SpecHash: "h1", Spec: json.RawMessage(`{"Bucket":"churn-dev-data"}`),
			Revision: "r1", CreatedAt: t0, UpdatedAt: t0},
		{ID: "StateMachine/train", Type: sluice.TypeStateMachine, Name: "churn-dev-train",
			ARN:      "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-train",
			Deletion: sluice.DeletionDelete, SpecHash: "h2", Revision: "r2", CreatedAt: t0, UpdatedAt: t0},
	}
	wantHist := []statestore.Entry{
		{Revision: "r2", Time: t0.Add(3600e9), Result: "failed"},
		{Revision: "r1", Time: t0, Result: "applied"},
	}
	mustUpdate(t, s, func(tx *statestore.Tx) error {
		envs, err := tx.Environments()
		if want := []string{"dev", "prod"}; err != nil || !reflect.DeepEqual(envs, want) {
			t.Errorf("Environments = %v, %v; want %v", envs, err, want)
		}
		if got, err := tx.Resources("dev"); err != nil || !reflect.DeepEqual(got, wantRes) {
			t.Errorf("Resources =\n%+v, %v\nwant\n%+v", got, err, wantRes)
		}
		if got, err := tx.History("dev"); err != nil || !reflect.DeepEqual(got, wantHist) {
			t.Errorf("History = %+v, %v; want %+v", got, err, wantHist)
		}
		if m, err := tx.Meta("dev"); err != nil || m.LastAppliedRevision != "r2" {
			t.Errorf("Meta = %+v, %v; want revision r2", m, err)
		}
		// the history sequence carries on after the migrated entries
		if err := tx.AppendHistory("dev", statestore.Entry{Revision: "r3"}); err != nil {
			return err
		}
		h, err := tx.History("dev")
		if err != nil || len(h) != 3 || h[0].Revision != "r3" {
			t.Errorf("History after append = %+v, %v; want r3 first of 3", h, err)
		}
		return nil
	})
}

// A migration that fails leaves the file as it was: all steps run in one
// transaction.
func TestMigrateV0FailureLeavesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	writeV0(t, path)
	db, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("prod")).Put([]byte("lastApplied"), []byte("r1"))
	}))
	must(t, db.Update(func(tx *bolt.Tx) error {
		inv, _ := tx.Bucket([]byte("prod")).CreateBucket([]byte("inventory"))
		return inv.Put([]byte("Bucket/bad"), []byte(`{not json`))
	}))
	must(t, db.Close())
	before, _ := os.ReadFile(path)
	if s, err := statestore.Open(path, statestore.Options{}); err == nil {
		_ = s.Close()
		t.Fatal("Open migrated a file with a malformed record")
	}
	db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	must(t, err)
	defer func() { _ = db.Close() }()
	must(t, db.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("meta")) != nil || tx.Bucket([]byte("envs")) != nil || tx.Bucket([]byte("dev")) == nil {
			t.Error("failed migration changed the file's layout")
		}
		return nil
	}))
	after, _ := os.ReadFile(path)
	if len(before) != len(after) {
		t.Errorf("file size changed %d → %d", len(before), len(after))
	}
}

func TestFormatRefused(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(tb testing.TB, path string)
		opts    statestore.Options
		wantErr error
	}{
		{"newer file", stampFormat(2), statestore.Options{}, statestore.ErrNewerFormat},
		{"newer file read-only", stampFormat(2), statestore.Options{ReadOnly: true}, statestore.ErrNewerFormat},
		{"older file read-only", writeV0, statestore.Options{ReadOnly: true}, statestore.ErrNeedsMigration},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.db")
			tt.prepare(t, path)
			before, _ := os.ReadFile(path)
			s, err := statestore.Open(path, tt.opts)
			if err == nil {
				_ = s.Close()
			}
			if !errors.Is(err, tt.wantErr) || sluice.KindOf(err) != sluice.KindConflict {
				t.Fatalf("Open = %v, want %v", err, tt.wantErr)
			}
			if !bytes.Contains([]byte(err.Error()), []byte(path)) || bytes.Count([]byte(err.Error()), []byte("conflict")) != 1 {
				t.Errorf("error %q does not name the file once with its kind", err)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("refused file was modified")
			}
		})
	}
}

// stampFormat returns a preparer that makes a current file, then marks it
// as format v, as a newer Sluice would.
func stampFormat(v int) func(tb testing.TB, path string) {
	return func(tb testing.TB, path string) {
		create(tb, path)
		rawUpdate(tb, path, func(tx *bolt.Tx) error {
			b, _ := json.Marshal(map[string]int{"version": v})
			return tx.Bucket([]byte("meta")).Put([]byte("format"), b)
		})
	}
}

// rawUpdate changes the file at path with bbolt directly, below the store.
func rawUpdate(tb testing.TB, path string, fn func(*bolt.Tx) error) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	must(tb, err)
	must(tb, db.Update(fn))
	must(tb, db.Close())
}
