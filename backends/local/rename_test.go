package local_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/schema"
	"github.com/sluice-dev/sluice/templates"
)

// compileAs scaffolds template name for project and compiles it for env.
func compileAs(t *testing.T, name, projectName, env string) []sluice.Resource {
	t.Helper()
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	loader, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := templates.Scaffold(name, dir, projectName); err != nil {
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
	var out []sluice.Resource
	for _, r := range localOnly(res) {
		if r.Type != sluice.TypeDBInstance { // no PostgreSQL server here
			out = append(out, r)
		}
	}
	return out
}

// recordNames lists the physical names of every record the World keeps.
func recordNames(t *testing.T, w *local.World) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	dirs, _ := os.ReadDir(filepath.Join(w.Dir(), "records"))
	for _, d := range dirs {
		files, _ := os.ReadDir(filepath.Join(w.Dir(), "records", d.Name()))
		for _, f := range files {
			if name, ok := strings.CutSuffix(f.Name(), ".json"); ok {
				out[d.Name()+"/"+name] = true
			}
		}
	}
	return out
}

// TestRenamedProjectLeavesNothingUntracked renames the project of an
// applied environment: the resources under the old name carry the old
// project's ownership tags, so the plan refuses to change them, naming
// the tag that differs, and the apply stalls on them; what it must never
// do (and did when the local backend observed by name) is create the
// resources anew under the new name and drop the old ones from the
// inventory, leaving them behind untracked.
func TestRenamedProjectLeavesNothingUntracked(t *testing.T) {
	w := mustWorld(t, local.Options{})
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	applier := &reconcile.Applier{Backends: w.Backends(), Store: store, Vars: reconcile.Vars(w.Vars(), nil), Project: "churn", Env: env}
	old := compileAs(t, "training", "churn", env)
	if _, err := applier.Apply(t.Context(), reconcile.ComputePlan(reconcile.PlanInput{Desired: old})); err != nil {
		t.Fatal(err)
	}

	renamed := compileAs(t, "training", "attrition", env)
	applied := store.list()
	observed := observeAll(t, w, old, reconcile.Vars(w.Vars(), applied), applied)
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: renamed, Applied: applied, Observed: observed,
		AllowPrune: true, Project: "attrition", Env: env})
	for _, c := range p.Changes {
		if c.Action != reconcile.ActionRefuse || !strings.Contains(c.Reason, `sluice.dev/project="churn", not "attrition"`) ||
			!strings.Contains(c.Reason, `renamed from "churn" to "attrition"`) || !strings.Contains(c.Reason, `set the project's name back to "churn"`) {
			t.Errorf("plan: %s %s (%s), want refused: not owned, saying the project was renamed and the ways out", c.Action, c.ID, c.Reason)
		}
	}
	applier.Project, applier.Vars = "attrition", reconcile.Vars(w.Vars(), applied)
	results, err := applier.Apply(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		notAttempted := r.Err != nil && strings.Contains(r.Err.Error(), "not attempted")
		if d, _ := sluice.RetryOf(r.Err); !notAttempted && (d != sluice.RetryStalled || sluice.ReasonOf(r.Err) != sluice.ReasonNotOwned) {
			t.Errorf("apply %s: %v, want stalled: not owned (or not attempted after a dependency that is)", r.Change.ID, r.Err)
		}
	}
	inventory := map[string]bool{}
	for _, a := range store.list() {
		inventory[string(a.Type)+"/"+a.Name] = true
	}
	for name := range recordNames(t, w) {
		if !inventory[name] {
			t.Errorf("record %s is in no inventory: left behind untracked", name)
		}
	}
}

// TestRenamedProjectReplacedAsThePlanSays follows the way out a renamed
// project's plan gives: with the old name, the documents removed and
// pruned (stores retained), then the new name applied. Everything is
// created under the new name, and nothing of the old is left but the
// retained stores, which the plan said to empty and delete by hand.
func TestRenamedProjectReplacedAsThePlanSays(t *testing.T) {
	w := mustWorld(t, local.Options{})
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	applier := &reconcile.Applier{Backends: w.Backends(), Store: store, Vars: reconcile.Vars(w.Vars(), nil), Project: "churn", Env: env}
	old := compileAs(t, "training", "churn", env)
	apply := func(in reconcile.PlanInput) {
		t.Helper()
		applier.Vars = reconcile.Vars(w.Vars(), in.Applied)
		results, err := applier.Apply(t.Context(), reconcile.ComputePlan(in))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Err != nil {
				t.Fatalf("%s %s: %v", r.Change.Action, r.Change.ID, r.Err)
			}
		}
	}
	apply(reconcile.PlanInput{Desired: old, Project: "churn", Env: env})
	oldNames := recordNames(t, w)

	// With the old name: the documents removed, pruned.
	apply(reconcile.PlanInput{Applied: store.list(), AllowPrune: true, AllowEmpty: true, Project: "churn", Env: env})
	// Renamed, applied.
	applier.Project = "attrition"
	apply(reconcile.PlanInput{Desired: compileAs(t, "training", "attrition", env), Applied: store.list(), Project: "attrition", Env: env})

	inventory := map[string]bool{}
	for _, a := range store.list() {
		inventory[string(a.Type)+"/"+a.Name] = true
		if !strings.Contains(a.Name, "attrition") {
			t.Errorf("inventory holds %s %s, not under the new name", a.ID, a.Name)
		}
	}
	for name := range recordNames(t, w) {
		if inventory[name] {
			continue
		}
		typ, _, _ := strings.Cut(name, "/")
		switch {
		case !oldNames[name]:
			t.Errorf("record %s is in no inventory and not of the old name", name)
		case typ == string(sluice.TypeBucket):
			// Retained, as the plan said.
		case typ == string(sluice.TypeJobDefinition) && recordStatus(t, w, name) == "INACTIVE":
			// Deregistered: its revisions stay, INACTIVE, as on AWS.
		default:
			t.Errorf("record %s of the old name is in no inventory: left behind", name)
		}
	}
}

// recordStatus reads the status of the World's record name ("Type/name").
func recordStatus(t *testing.T, w *local.World, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.Dir(), "records", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r.Status
}
