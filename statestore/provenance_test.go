package statestore_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
	bolt "go.etcd.io/bbolt"
)

// TestRecordProvenance checks that a record keeps the file and
// dependencies it was saved with, and that a record written before they
// were recorded still loads, with neither.
func TestRecordProvenance(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	create(t, path)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A format 1 record as written before files and dependencies were
	// recorded.
	old := `{"v":1,"data":{"id":"StateMachine/train","type":"StateMachine","name":"p-dev-train","source":"Pipeline/train","specHash":"h"}}`
	err = db.Update(func(tx *bolt.Tx) error {
		envs, err := tx.CreateBucketIfNotExists([]byte("envs"))
		if err != nil {
			return err
		}
		env, err := envs.CreateBucketIfNotExists([]byte("dev"))
		if err != nil {
			return err
		}
		res, err := env.CreateBucketIfNotExists([]byte("resources"))
		if err != nil {
			return err
		}
		return res.Put([]byte("StateMachine/train"), []byte(old))
	})
	if cerr := db.Close(); err != nil || cerr != nil {
		t.Fatal(err, cerr)
	}
	s := statestoretest.MustOpenPath(t, path, statestore.Options{})
	withFile := statestore.Record{ID: "JobQueue/cpu", Type: sluice.TypeJobQueue, Name: "p-dev-cpu", Source: "ComputeEnvironment/cpu",
		File: "deploy/compute.yaml", DependsOn: []sluice.ResourceID{"ComputeEnvironment/cpu"}}
	mustUpdate(t, s, func(tx *statestore.Tx) error { return tx.PutResource("dev", withFile) })
	got := resources(t, s, "dev")
	if len(got) != 2 {
		t.Fatalf("records %+v, want 2", got)
	}
	if got[1].File != "" || got[1].DependsOn != nil || got[1].Source != "Pipeline/train" {
		t.Errorf("old record loaded as %+v, want no file, no dependencies, its source", got[1])
	}
	if got[0].File != withFile.File || !reflect.DeepEqual(got[0].DependsOn, withFile.DependsOn) {
		t.Errorf("record read back as %+v, want file and dependencies of %+v", got[0], withFile)
	}
}
