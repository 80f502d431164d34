// Package compiledtest gives tests the resources the compiler emits for
// the embedded templates, placeholders resolved, so backends are tested
// with the specs they will really receive.
package compiledtest

import (
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/schema"
	"github.com/sluice-dev/sluice/templates"
)

// Account is the account ID placeholders resolve to.
const Account = "000000000000"

// Targets returns the resources of type typ that a scaffold of each named
// template (every template when names is empty) compiles to in env, with
// the partition, region and account placeholders resolved (region as
// given). It fails the test on any error.
func Targets(tb testing.TB, env, region string, typ sluice.ResourceType, names ...string) []sluice.Target {
	tb.Helper()
	v, err := schema.New()
	if err != nil {
		tb.Fatal(err)
	}
	loader, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		tb.Fatal(err)
	}
	if len(names) == 0 {
		names = templates.Names()
	}
	vars := map[string]string{compile.PlaceholderPartition: "aws", compile.PlaceholderRegion: region, compile.PlaceholderAccount: Account}
	var out []sluice.Target
	for _, name := range names {
		dir := tb.TempDir()
		if err := templates.Scaffold(name, dir, name); err != nil {
			tb.Fatal(err)
		}
		snap, err := loader.Load(tb.Context(), project.NewDir(dir))
		if err != nil {
			tb.Fatal(err)
		}
		res, diags := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Valid(env), Env: env, Revision: "r1"})
		if diags.HasErrors() {
			tb.Fatal(diags)
		}
		for _, r := range res {
			if r.Type != typ {
				continue
			}
			if r.Spec, err = reconcile.Resolve(r.Spec, vars); err != nil {
				tb.Fatal(err)
			}
			out = append(out, sluice.Target{Resource: r})
		}
	}
	return out
}
