package compile_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// repo is a small repository held in one YAML file: the Project document
// and the others.
type repo struct {
	project *dsl.Document
	docs    []*dsl.Document
	// envs are the environments the case is compiled for, from a
	// "# envs: a b" header line (default dev).
	envs []string
}

// loadRepo parses a repository from YAML text.
func loadRepo(tb testing.TB, name string, src []byte) repo {
	tb.Helper()
	f, diags := dsl.ParseFile(name, src, dsl.Limits{MaxFileBytes: 64 << 20})
	if len(diags) > 0 {
		tb.Fatalf("parse %s: %v", name, diags)
	}
	r := repo{envs: []string{"dev"}}
	for _, line := range strings.Split(string(src), "\n") {
		if envs, ok := strings.CutPrefix(line, "# envs:"); ok {
			r.envs = strings.Fields(envs)
		}
	}
	for _, d := range f.Documents {
		if d.Kind == dsl.KindProject {
			r.project = d
			continue
		}
		r.docs = append(r.docs, d)
	}
	return r
}

func readRepo(tb testing.TB, path string) repo {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return loadRepo(tb, filepath.Base(path), src)
}

func (r repo) compile(env, revision string) ([]sluice.Resource, sluice.Diagnostics) {
	return compile.Compile(compile.Input{Project: r.project, Documents: r.docs, Env: env, Revision: revision})
}

// mustCompile compiles a repository that must compile without errors
// (warnings, such as a pipeline without any timeout, are allowed).
func mustCompile(tb testing.TB, r repo, env string) []sluice.Resource {
	tb.Helper()
	res, diags := r.compile(env, "0123456789abcdef0123456789abcdef01234567")
	if diags.HasErrors() {
		tb.Fatalf("Compile(%s): unexpected findings:\n%v", env, diags)
	}
	return res
}

// render writes resources as indented JSON, the form of the golden files.
func render(tb testing.TB, res []sluice.Resource) []byte {
	tb.Helper()
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return append(b, '\n')
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test ./compile -update to create it)", err)
	}
	if string(got) != string(want) {
		tb.Errorf("%s differs from the compiler's output; check the change, then run go test ./compile -update\n%s",
			path, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) && i < len(gl); i++ {
		if wl[i] != gl[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl[i] + "\n  got:  " + gl[i]
		}
	}
	return "lengths differ"
}

// cases lists the golden cases: testdata/*.yaml.
func cases(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "*.yaml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no cases under testdata: %v", err)
	}
	return paths
}

// resource finds a resource by ID.
func resource(tb testing.TB, res []sluice.Resource, id string) sluice.Resource {
	tb.Helper()
	for _, r := range res {
		if string(r.ID) == id {
			return r
		}
	}
	tb.Fatalf("no resource %s", id)
	return sluice.Resource{}
}
