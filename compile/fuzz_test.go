package compile_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/sluice-dev/sluice"
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
		compileChecked(t, src, env)
	})
}

// FuzzCompilePipeline keeps the repository around a pipeline valid and
// lets the fuzzer change the pipeline's spec, so that its mutations reach
// the compiler instead of the YAML reader.
func FuzzCompilePipeline(f *testing.F) {
	specs := []string{
		"  steps: [{name: a, command: [x], next: b}, {name: b}]\n",
		"  parameters: {xs: {type: list, default: [1, 2]}}\n  steps:\n    - {name: a, foreach: {over: parameters.xs, step: b, join: c, concurrency: 2}}\n    - {name: b, next: c}\n    - {name: c}\n",
		"  steps:\n    - {name: a, foreach: {over: outputs.xs, step: b, join: c, mode: distributed}}\n    - {name: b, split: {branches: [d, e], join: f}}\n    - {name: d, next: f}\n    - {name: e, next: f}\n    - {name: f, next: c}\n    - {name: c}\n",
		"  retry: {attempts: 3, delay: 5s, jitter: true}\n  timeout: 1h\n  steps:\n    - {name: a, switch: {on: outputs.q, cases: {x: b, y: c}}, onFailure: c}\n    - {name: b, compute: tiny, resources: {cpu: 0.5, memory: 1Gi}}\n    - {name: c, secrets: {A: ssm:/a}, volumes: [{name: v, fileSystem: fs-1, mountPath: /m}]}\n",
		"  schedule: {cron: \"0 3 * * ? *\", parameters: {d: x}}\n  parameters: {d: {type: string, required: true}}\n  steps: [{name: a}]\nenvironments:\n  prod: {steps: [{name: a, next: b}, {name: b}]}\n",
	}
	for _, spec := range specs {
		f.Add(spec, "dev")
		f.Add(spec, "prod")
	}
	f.Fuzz(func(t *testing.T, spec, env string) {
		compileChecked(t, []byte(base+pipelineDoc(spec)), env)
	})
}

// compileChecked compiles the repository in src, if it parses, and checks
// what Compile returns is well formed.
func compileChecked(t *testing.T, src []byte, env string) {
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
		faulty[d.Document] = faulty[d.Document] || d.Severity != sluice.SeverityWarning
	}
	for i, r := range res {
		if i > 0 && res[i-1].ID >= r.ID {
			t.Fatalf("resources not sorted or not unique at %s", r.ID)
		}
		if !json.Valid(r.Spec) {
			t.Fatalf("%s: invalid JSON spec %s", r.ID, r.Spec)
		}
		if faulty[r.Source] {
			t.Fatalf("%s has errors but yields %s", r.Source, r.ID)
		}
	}
}
