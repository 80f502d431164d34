package local_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/internal/pgtest"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/schema"
)

// compileDir compiles the repository in dir for env.
func compileDir(t *testing.T, dir, env string) []sluice.Resource {
	t.Helper()
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	loader, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := loader.Load(t.Context(), project.NewDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	res, diags := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Valid(env), Env: env, Revision: "0123456789abcdef0123456789abcdef01234567"})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return localOnly(res)
}

// TestLeftOutLifecycleLocal removes every lifecycle rule and the
// versioning of the training template's artifact store: the local
// bucket's record holds no lifecycle configuration and suspended
// versioning, and the next plan is empty.
func TestLeftOutLifecycleLocal(t *testing.T) {
	dir, desired := compileTemplate(t, "training", env)
	w := mustWorld(t, local.Options{})
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	apply := func(desired []sluice.Resource) {
		t.Helper()
		applied := store.list()
		observed := observeAll(t, w, desired, reconcile.Vars(w.Vars(), applied), applied)
		p := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: applied, Observed: observed})
		applier := &reconcile.Applier{Backends: w.Backends(), Store: store, Vars: reconcile.Vars(w.Vars(), applied), Project: "churn", Env: env}
		if _, err := applier.Apply(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	apply(desired)

	path := filepath.Join(dir, "deploy", "stores.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	for _, cut := range []string{"  versioning: true\n", `  lifecycle:
    - name: old-versions
      noncurrentExpireAfterDays: 30
      abortUploadsAfterDays: 7
    - name: cool-down
      transitions:
        - afterDays: 60
          storageClass: STANDARD_IA
`, `    lifecycle:
      - name: expire-dev-runs
        expireAfterDays: 14
`} {
		if !strings.Contains(doc, cut) {
			t.Fatalf("stores.yaml no longer holds %q", cut)
		}
		doc = strings.Replace(doc, cut, "", 1)
	}
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	desired = compileDir(t, dir, env)
	apply(desired)

	bucket := firstOf(t, desired, sluice.TypeBucket)
	var rec struct{ Spec map[string]any }
	readJSON(t, filepath.Join(w.Dir(), "records", string(sluice.TypeBucket), bucket.Name+".json"), &rec)
	if lc, ok := rec.Spec["lifecycle"]; !ok || lc != nil {
		t.Errorf("bucket record lifecycle = %v (present %v), want null: no lifecycle configuration", lc, ok)
	}
	if v, _ := rec.Spec["versioning"].(map[string]any); v["Status"] != "Suspended" {
		t.Errorf("bucket record versioning = %v, want Suspended", rec.Spec["versioning"])
	}
	applied := store.list()
	observed := observeAll(t, w, desired, reconcile.Vars(w.Vars(), applied), applied)
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: applied, Observed: observed})
	for _, c := range p.Changes {
		if c.Desired == nil || c.Desired.Type != sluice.TypeDBInstance {
			t.Errorf("plan after the apply: %s %s (%s)", c.Action, c.ID, c.Reason)
		}
	}
}

// TestLeftOutDatabaseLocal: a database removed from a MetadataStore is
// left as it is, as on RDS (no replacement, the record keeps its name);
// one added to an instance created without it needs a replacement.
func TestLeftOutDatabaseLocal(t *testing.T) {
	srv := pgtest.Start(t)
	w := mustWorld(t, local.Options{PostgresDSN: srv.DSN})
	b := backend(t, w, sluice.TypeDBInstance)
	tg := target(sluice.TypeDBInstance, "metadata", "churn-dev-metadata", dbSpec)
	obs := mustCreate(t, b, tg)

	left := tg
	left.Spec = []byte(strings.Replace(dbSpec, `"DBName":"mlmetadata",`, ``, 1))
	obs, err := b.Update(t.Context(), left, obs)
	if err != nil {
		t.Fatalf("Update without the database: %v, want it left as it is", err)
	}
	if !reconcile.SameJSON(obs.Spec, left.Spec) || !databaseExists(t, srv.DSN, tg.Name) {
		t.Fatalf("after the update: %s, database there %v", obs.Spec, databaseExists(t, srv.DSN, tg.Name))
	}
	var rec struct{ Spec map[string]any }
	readJSON(t, filepath.Join(w.Dir(), "records", string(sluice.TypeDBInstance), tg.Name+".json"), &rec)
	if rec.Spec["DBName"] != "mlmetadata" {
		t.Errorf("record DBName = %v, want mlmetadata kept", rec.Spec["DBName"])
	}

	renamed := tg
	renamed.Spec = []byte(strings.Replace(dbSpec, `"mlmetadata"`, `"other"`, 1))
	if _, err := b.Update(t.Context(), renamed, obs); !errors.Is(err, reconcile.ErrReplace) {
		t.Errorf("Update renaming the database = %v, want ErrReplace", err)
	}
}
