package compile_test

import (
	"encoding/json"
	"path"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/templates"
)

// TestTemplatesCompile compiles every embedded template, as a new user's
// first repository, for each of its environments: it must compile
// cleanly, and its state machines must pass both ASL checks.
func TestTemplatesCompile(t *testing.T) {
	srv := kumotest.Start(t)
	client := sfn.NewFromConfig(srv.Config)
	for _, name := range templates.Names() {
		t.Run(name, func(t *testing.T) {
			tmpl, err := templates.Get(name)
			if err != nil {
				t.Fatal(err)
			}
			files, err := tmpl.Render("demo")
			if err != nil {
				t.Fatal(err)
			}
			r := templateRepo(t, files)
			for _, env := range r.envs {
				for id, def := range definitions(t, mustCompile(t, r, env)) {
					var parsed map[string]any
					if err := json.Unmarshal(def, &parsed); err != nil {
						t.Fatal(err)
					}
					for _, e := range checkDefinition(parsed) {
						t.Errorf("%s/%s: %s", env, id, e)
					}
					validate(t, client, name+"/"+env+"/"+id, def)
				}
			}
		})
	}
}

// templateRepo reads a rendered template's YAML files into a repository
// compiled for every environment its project declares.
func templateRepo(tb testing.TB, files map[string][]byte) repo {
	tb.Helper()
	paths := make([]string, 0, len(files))
	for p := range files {
		if ext := path.Ext(p); ext == ".yaml" || ext == ".yml" {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var r repo
	for _, p := range paths {
		f, diags := dsl.ParseFile(p, files[p], dsl.DefaultLimits())
		if len(diags) > 0 {
			tb.Fatalf("%s: %v", p, diags)
		}
		for _, d := range f.Documents {
			if d.Kind == dsl.KindProject {
				r.project = d
				var spec dsl.ProjectSpec
				if err := dsl.Decode(d.Spec(), &spec); err != nil {
					tb.Fatal(err)
				}
				r.envs = spec.Environments
				continue
			}
			r.docs = append(r.docs, d)
		}
	}
	if r.project == nil || len(r.envs) == 0 {
		tb.Fatalf("template has no project with environments")
	}
	return r
}
