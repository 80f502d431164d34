package project_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/schema"
)

// TestCheckInChunksFindsWhatCheckEachFinds: validate's way (pipelines
// released once checked, compiled a chunk at a time in every environment)
// gives exactly the findings, in the same order, and holds exactly the
// documents that compiling every pipeline of each environment at once
// does, on repositories with every broken case of the corpus in them, at
// chunk sizes that split them anywhere.
func TestCheckInChunksFindsWhatCheckEachFinds(t *testing.T) {
	base := readTree(t, "testdata/base")
	cases, _ := filepath.Glob("testdata/broken/*.yaml")
	withCorpus := func(files map[string][]byte) map[string][]byte {
		files = clone(files)
		for _, c := range cases {
			files["deploy/"+filepath.Base(c)] = mustRead(t, c)
		}
		return files
	}
	bench := benchrepo.Files(40)
	repos := map[string]map[string][]byte{
		"base":                     base,
		"base and the corpus":      withCorpus(base),
		"generated":                bench,
		"generated and the corpus": withCorpus(bench),
	}
	for name, files := range repos {
		want := checkFindingsOnly(t, files, project.Options{}, 0)
		if name != "base" && name != "generated" && len(want.Diagnostics) == 0 {
			t.Fatalf("%s: no findings: the comparison would prove nothing", name)
		}
		for _, size := range []int{1, 3, 64} {
			t.Run(fmt.Sprintf("%s/chunk %d", name, size), func(t *testing.T) {
				got := checkFindingsOnly(t, files, project.Options{ReleaseChecked: true}, size)
				if !reflect.DeepEqual(got.Diagnostics, want.Diagnostics) {
					t.Errorf("findings differ:\n got %d: %v\nwant %d: %v", len(got.Diagnostics), got.Diagnostics, len(want.Diagnostics), want.Diagnostics)
				}
				if !reflect.DeepEqual(got.Invalid, want.Invalid) {
					t.Errorf("held documents differ:\n got %v\nwant %v", got.Invalid, want.Invalid)
				}
				for _, d := range got.Documents {
					if d.Kind == dsl.KindPipeline && d.InMemory() && len(d.Value()) > 0 && !pinned(d) {
						t.Errorf("%s is still in memory after its chunk", d.ID())
					}
				}
			})
		}
	}
}

// pinned reports whether d's content was set in memory (a template
// expanded into it), which Release keeps.
func pinned(d *dsl.Document) bool {
	d.Release()
	return d.InMemory()
}

// checkFindingsOnly loads files with opts and compiles them for findings
// as validate does: every environment at once when size is 0, else in
// chunks of size pipelines.
func checkFindingsOnly(t *testing.T, files map[string][]byte, opts project.Options, size int) *project.Snapshot {
	t.Helper()
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	opts.Validator = v
	l, err := project.NewLoader(opts)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := l.Load(context.Background(), project.NewMemory(files))
	if err != nil {
		t.Fatal(err)
	}
	check := func(env string, docs []*dsl.Document) sluice.Diagnostics {
		_, ds := compile.Compile(compile.Input{Project: snap.Project, Documents: docs, Env: env, Revision: "r", FindingsOnly: true})
		return ds
	}
	if size == 0 {
		snap.CheckEach(check)
	} else {
		snap.CheckInChunks(size, check)
	}
	return snap
}
