package rollout_test

import (
	"context"
	"github.com/sluice-dev/sluice"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

// TestApplyRecordsProvenance checks that the inventory says which file
// and document each resource comes from, and keeps saying it truly for
// resources an apply leaves unchanged: records from before files were
// recorded get theirs, and a document moved to another file takes its
// new file.
func TestApplyRecordsProvenance(t *testing.T) {
	world, err := local.New(filepath.Join(t.TempDir(), "world"), local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = world.Close() })
	store := statestoretest.MustOpen(t, statestore.Options{})
	env := &rollout.Env{Name: "dev", Store: store, Local: true, Connect: func(context.Context) (*rollout.Target, error) {
		return &rollout.Target{Backends: world.Backends(), Vars: world.Vars()}, nil
	}}
	files := trainingRepo(t)
	delete(files, "deploy/stores.yaml") // its MetadataStore needs PostgreSQL
	files["deploy/stores.yaml"] = []byte("apiVersion: sluice.dev/v1\nkind: ArtifactStore\nmetadata:\n  name: artifacts\nspec: {}\n")
	files["deploy/extra.yaml"] = []byte(extraPipeline("extra", "python:3.12"))
	apply := func(rev string) {
		t.Helper()
		out, err := env.Apply(t.Context(), rollout.Compile(load(t, files), "dev", rev, nil))
		if err != nil || out.Incomplete > 0 {
			t.Fatalf("apply %s: %v, %d incomplete: %+v", rev, err, out.Incomplete, out.Failed())
		}
	}
	fileOf := func(id string) (statestore.Record, bool) {
		t.Helper()
		var r statestore.Record
		var ok bool
		err := store.View(func(tx *statestore.Tx) error {
			r, ok, err = tx.Resource("dev", sluice.ResourceID(id))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return r, ok
	}
	apply("r1")
	sm, ok := fileOf("StateMachine/extra")
	if !ok || sm.File != "deploy/extra.yaml" || sm.Source != "Pipeline/extra" || len(sm.DependsOn) == 0 {
		t.Fatalf("the state machine's record is %+v, want its file, document and dependencies", sm)
	}

	// A record from before files and dependencies were recorded.
	sm.File, sm.DependsOn = "", nil
	if err := store.Update(func(tx *statestore.Tx) error { return tx.PutResource("dev", sm) }); err != nil {
		t.Fatal(err)
	}
	apply("r1")
	if got, _ := fileOf("StateMachine/extra"); got.File != "deploy/extra.yaml" || len(got.DependsOn) == 0 || got.Revision != "r1" {
		t.Errorf("after an apply that changed nothing the old record is %+v, want its file and dependencies back", got)
	}

	files["deploy/moved.yaml"] = files["deploy/extra.yaml"]
	delete(files, "deploy/extra.yaml")
	apply("r2")
	if got, _ := fileOf("StateMachine/extra"); got.File != "deploy/moved.yaml" || got.Revision != "r1" {
		t.Errorf("after the document moved the record is %+v, want file deploy/moved.yaml, still revision r1", got)
	}
}
