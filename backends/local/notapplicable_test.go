package local_test

import (
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/schema"
	"github.com/sluice-dev/sluice/templates"
)

// compileAll scaffolds a template as project churn and compiles it for
// env, every resource type kept.
func compileAll(t *testing.T, name string) []sluice.Resource {
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
	if err := templates.Scaffold(name, dir, "churn"); err != nil {
		t.Fatal(err)
	}
	snap, err := loader.Load(t.Context(), project.NewDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	res, diags := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Valid(env), Env: env})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return res
}

// localOnly keeps the resources of the types the local backend manages,
// as a local environment's plan does (reconcile.PlanInput.Local lists
// the others, the run events' queue and rule, as not applicable): for
// the tests that plan compiled resources directly.
func localOnly(res []sluice.Resource) []sluice.Resource {
	var out []sluice.Resource
	for _, r := range res {
		if info, err := sluice.LookupType(r.Type); err == nil && info.Local {
			out = append(out, r)
		}
	}
	return out
}

// TestRunEventsNotApplicableLocally: the training template compiles to
// a run events' queue and rule; on the local backend the plan lists them
// as not applicable, with the registry's reason, and applies the rest
// without a stall for want of a backend.
func TestRunEventsNotApplicableLocally(t *testing.T) {
	desired := compileAll(t, "training")
	w := mustWorld(t, local.Options{})
	store := &memStore{applied: map[sluice.ResourceID]reconcile.Applied{}}
	applier := &reconcile.Applier{Backends: w.Backends(), Store: store, Vars: reconcile.Vars(w.Vars(), nil), Project: "churn", Env: env}
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Local: true})
	if len(p.NotApplicable) != 2 {
		t.Errorf("not applicable: %+v, want the run events' queue and rule", p.NotApplicable)
	}
	for _, na := range p.NotApplicable {
		info, _ := sluice.TypeOfID(na.ID)
		if na.Reason != info.NotLocal || info.Local {
			t.Errorf("%s: %q, want the registry's reason", na.ID, na.Reason)
		}
	}
	results, err := applier.Apply(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Err != nil && r.Change.Desired.Type != sluice.TypeDBInstance { // no PostgreSQL server here
			t.Errorf("%s: %v", r.Change.ID, r.Err)
		}
	}
}
