package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/rds/rdsfake"
	"github.com/sluice-dev/sluice/statestore"
)

// TestDiscoverKumoWithDB is TestDiscoverKumo with the training template's
// MetadataStore: its DB instance lives in the RDS fake (which keeps the
// tags given to CreateDBInstance, as AWS does and kumo does not), the
// rest in kumo and the Batch and Step Functions fakes. A plan with a new
// state file rebuilds the whole inventory, DB instance included, from the
// ownership tags; it is as empty as the plan with the first file, and an
// apply from it changes nothing.
func TestDiscoverKumoWithDB(t *testing.T) {
	w := startAWS(t)
	db := rdsfake.Start(t)
	t.Setenv("AWS_ENDPOINT_URL_RDS", db.URL)
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	base := []string{"--repo", dir}
	stateA := []string{"--env", "dev", "--state", filepath.Join(t.TempDir(), "a.db"), "--prune"}
	applyWithDB(t, w, db, append(base, stateA...)...)
	metadata := ownedInstance(t, db, "DBInstance/metadata")
	invA := inventory(t, stateA[3])
	if invA["DBInstance/metadata"].ARN != metadata.ARN {
		t.Fatalf("the first state file holds DBInstance/metadata as %+v, want ARN %s", invA["DBInstance/metadata"], metadata.ARN)
	}
	stateB := checkRebuild(t, base, stateA, len(invA))
	invB := inventory(t, stateB[3])
	if got, want := slices.Sorted(maps.Keys(invB)), slices.Sorted(maps.Keys(invA)); !slices.Equal(got, want) {
		t.Errorf("rebuilt inventory holds %v, want %v", got, want)
	}
	if got := invB["DBInstance/metadata"]; got.ARN != metadata.ARN || got.Type != sluice.TypeDBInstance {
		t.Errorf("rebuilt inventory holds DBInstance/metadata as %+v, want the instance %s", got, metadata.ARN)
	}
}

// applyWithDB applies until nothing is waiting, letting the Batch and
// RDS fakes' transitions finish between rounds.
func applyWithDB(t *testing.T, w *awsWorld, db *rdsfake.Server, args ...string) {
	t.Helper()
	for range 6 {
		code, out, errOut := runCLI(t, append([]string{"apply"}, args...)...)
		if code == exitOK {
			return
		}
		if !strings.Contains(out, "in progress") {
			t.Fatalf("apply failed (exit %d):\n%s\n%s", code, out, errOut)
		}
		w.batch.Settle()
		db.Settle()
	}
	t.Fatal("apply did not converge in 6 rounds")
}

// ownedInstance returns the RDS fake's only instance, failing unless it
// is available and tagged as Sluice's resource id.
func ownedInstance(t *testing.T, db *rdsfake.Server, id sluice.ResourceID) rdsfake.Instance {
	t.Helper()
	all := db.Instances()
	if len(all) != 1 {
		t.Fatalf("the RDS fake holds %d instances, want the template's 1: %+v", len(all), all)
	}
	if in := all[0]; in.Status != "available" || in.Tags[sluice.TagManagedBy] != sluice.ManagedByValue || in.Tags[sluice.TagResource] != string(id) {
		t.Fatalf("the DB instance is %s with tags %v, want it available and tagged as %s", in.Status, in.Tags, id)
	}
	return all[0]
}

// inventory returns dev's inventory in the state file at path by ID.
func inventory(t *testing.T, path string) map[sluice.ResourceID]statestore.Record {
	t.Helper()
	store, err := statestore.Open(path, statestore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = store.Close() }()
	out := map[sluice.ResourceID]statestore.Record{}
	err = store.View(func(tx *statestore.Tx) error {
		records, err := tx.Resources("dev")
		for _, r := range records {
			out[r.ID] = r
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
