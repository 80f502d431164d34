package local_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestAdoptRetagsTheRecord: a record whose ownership tags were lost is
// Sluice's again once adopted, keeping its other tags and its spec.
func TestAdoptRetagsTheRecord(t *testing.T) {
	w := mustWorld(t, local.Options{})
	b := backend(t, w, sluice.TypeStateMachine)
	tg := target(sluice.TypeStateMachine, "train", "churn-dev-train", smSpec)
	created := mustCreate(t, b, tg)
	editTags(t, w, sluice.TypeStateMachine, "churn-dev-train", map[string]string{"owner": "someone"})
	lost := mustObserve(t, b, tg)
	if lost.Owned(projectName, env, tg.ID) {
		t.Fatal("the record still carries Sluice's tags")
	}
	tg.ARN = created.ARN
	if _, err := b.(reconcile.Adopter).Adopt(t.Context(), tg, lost); err != nil {
		t.Fatal(err)
	}
	got := mustObserve(t, b, tg)
	if !got.Owned(projectName, env, tg.ID) || got.Tags["owner"] != "someone" || !reconcile.SameJSON(got.Spec, created.Spec) {
		t.Errorf("adopted: %+v; want Sluice's tags, its own tag kept, its spec unchanged", got)
	}
}

// editTags replaces a record's tags behind Sluice's back.
func editTags(t *testing.T, w *local.World, typ sluice.ResourceType, name string, tags map[string]string) {
	t.Helper()
	path := filepath.Join(w.Dir(), "records", string(typ), name+".json")
	var rec map[string]any
	readJSON(t, path, &rec)
	rec["tags"] = maps.Clone(tags)
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
