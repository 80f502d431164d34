package rollout_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
	"github.com/sluice-dev/sluice/statestore/statestoretest"
)

// localEnv returns an environment on a local world of its own, with a
// state store.
func localEnv(t *testing.T) (*rollout.Env, *statestore.Store) {
	t.Helper()
	world, err := local.New(filepath.Join(t.TempDir(), "world"), local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = world.Close() })
	store := statestoretest.MustOpen(t, statestore.Options{})
	return &rollout.Env{Name: "dev", Store: store, Local: true, Connect: func(context.Context) (*rollout.Target, error) {
		return &rollout.Target{Backends: world.Backends(), Vars: world.Vars()}, nil
	}}, store
}

// TestHashCachePlansAndAppliesAsFullSpecs takes two environments through
// the same revisions (a first apply, a changed pipeline, a new and a
// removed one): one compiled without a cache, one as the daemon compiles
// (a hash cache kept across revisions, specs dropped after each apply).
// Their plans must be the same, fields and plan hash included, and so
// must what they record as applied.
func TestHashCachePlansAndAppliesAsFullSpecs(t *testing.T) {
	full, fullStore := localEnv(t)
	light, lightStore := localEnv(t)
	cache := compile.NewHashCache()
	files := trainingRepo(t)
	files["deploy/stores.yaml"] = []byte("apiVersion: sluice.dev/v1\nkind: ArtifactStore\nmetadata:\n  name: artifacts\nspec: {}\n")
	files["deploy/extra.yaml"] = []byte(extraPipeline("extra", "python:3.12"))
	opts := []rollout.PlanOption{rollout.Prune(true, false)}
	step := func(rev string) reconcile.Plan {
		t.Helper()
		snap := load(t, files)
		df := rollout.Compile(snap, "dev", rev, nil)
		dl := rollout.Compile(load(t, files), "dev", rev, cache)
		for _, r := range dl.Resources {
			if r.Spec != nil {
				t.Fatalf("%s: %s compiled through a hash cache with its spec", rev, r.ID)
			}
		}
		pf, err := full.Plan(t.Context(), df, opts...)
		if err != nil {
			t.Fatal(err)
		}
		pl, err := light.Plan(t.Context(), dl, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := planJSON(t, pf.Plan), planJSON(t, pl.Plan); a != b {
			t.Fatalf("%s: plans differ\nfull specs: %s\nhash cache: %s", rev, a, b)
		}
		if a, b := rollout.PlanHash(rev, pf.Plan), rollout.PlanHash(rev, pl.Plan); a != b {
			t.Fatalf("%s: plan hashes differ: %s, %s", rev, a, b)
		}
		dl.DropSpecs()
		for _, e := range []struct {
			env *rollout.Env
			d   *rollout.Desired
		}{{full, df}, {light, dl}} {
			out, err := e.env.Apply(t.Context(), e.d, rollout.ApplyOptions(opts...)...)
			if err != nil || out.Incomplete > 0 {
				t.Fatalf("apply %s: %v, %+v", rev, err, out.Failed())
			}
		}
		dl.DropSpecs()
		a, b := records(t, fullStore), records(t, lightStore)
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("%s: %d records with full specs, %d through a hash cache", rev, len(a), len(b))
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s: what was recorded as applied differs\nfull specs: %s\nhash cache: %s", rev, a[i], b[i])
			}
		}
		return pl.Plan
	}
	if c := step("r1").Counts(); c[reconcile.ActionCreate] == 0 {
		t.Fatalf("the first plan creates nothing: %v", c)
	}
	files["deploy/extra.yaml"] = []byte(extraPipeline("extra", "python:3.13"))
	fields := 0
	for _, c := range step("r2").Changes {
		fields += len(c.Fields)
	}
	if fields == 0 {
		t.Fatal("the plan of a changed image lists no field")
	}
	files["deploy/more.yaml"] = []byte(extraPipeline("more", "python:3.12"))
	delete(files, "deploy/extra.yaml")
	if c := step("r3").Counts(); c[reconcile.ActionCreate] == 0 || c[reconcile.ActionDelete] == 0 {
		t.Fatalf("the plan of a pipeline replaced by another creates or deletes nothing: %v", c)
	}
	if p := step("r3"); !p.Empty() {
		t.Fatalf("the same revision again plans %v", p.Counts())
	}
	// Deleted outside Sluice: the plan that reads it back creates it
	// again, a change to an applied resource whose spec the hash cache
	// left out.
	for _, e := range []*rollout.Env{full, light} {
		deleteOutside(t, e, "StateMachine/more")
	}
	opts = append(opts, rollout.Refresh(true))
	p := step("r3")
	if c := p.Counts(); c[reconcile.ActionCreate] != 1 || p.Drifted() != 1 {
		t.Fatalf("the plan after a deletion outside Sluice is %v, %d drifted; want one drifted creation", c, p.Drifted())
	}
}

// deleteOutside deletes an applied resource through e's backend, as
// someone would by hand.
func deleteOutside(t *testing.T, e *rollout.Env, id sluice.ResourceID) {
	t.Helper()
	target, err := e.Target(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	applied, err := rollout.Inventory(e.Store, e.Name)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range applied {
		if a.ID != id {
			continue
		}
		b := target.Backends[a.Type]
		tg := sluice.Target{Resource: sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name, Spec: a.Spec}, ARN: a.ARN}
		obs, err := b.Observe(t.Context(), tg)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Delete(t.Context(), tg, obs); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("%s is not applied", id)
}

func planJSON(t *testing.T, p reconcile.Plan) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"action"`) && len(p.Changes) > 0 {
		t.Fatalf("plan JSON %s names no action", b)
	}
	return string(b)
}

// records returns what the store records as applied in dev, one JSON
// text a resource, less what differs between two worlds (ARNs,
// observations, times).
func records(t *testing.T, store *statestore.Store) []string {
	t.Helper()
	var out []string
	err := store.View(func(tx *statestore.Tx) error {
		records, err := tx.Resources("dev")
		for _, r := range records {
			r.ARN, r.Observed = "", nil
			r.ObservedAt, r.CreatedAt, r.UpdatedAt = time.Time{}, time.Time{}, time.Time{}
			b, err := json.Marshal(r)
			if err != nil {
				return err
			}
			out = append(out, string(b))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
