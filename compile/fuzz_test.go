package compile_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

// FuzzCompile compiles whatever repository the fuzzer makes from the
// golden cases: any input that parses must compile or yield findings,
// never panic, and what it yields must be well formed.
func FuzzCompile(f *testing.F) {
	for _, path := range cases(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, "dev")
	}
	f.Add([]byte(base+pipelineDoc("  steps: [{name: a, next: a}]\n")), "prod")
	f.Fuzz(func(t *testing.T, src []byte, env string) {
		file, diags := dsl.ParseFile("f.yaml", src, dsl.DefaultLimits())
		if len(diags) > 0 {
			return
		}
		in := compile.Input{Env: env, Revision: "r"}
		for _, d := range file.Documents {
			if d.Kind == dsl.KindProject && in.Project == nil {
				in.Project = d
				continue
			}
			in.Documents = append(in.Documents, d)
		}
		res, ds := compile.Compile(in)
		faulty := map[string]bool{}
		for _, d := range ds {
			faulty[d.Document] = true
		}
		for i, r := range res {
			if i > 0 && res[i-1].ID >= r.ID {
				t.Fatalf("resources not sorted or not unique at %s", r.ID)
			}
			if !json.Valid(r.Spec) {
				t.Fatalf("%s: invalid JSON spec %s", r.ID, r.Spec)
			}
			if faulty[r.Source] {
				t.Fatalf("%s has findings but yields %s", r.Source, r.ID)
			}
		}
	})
}
