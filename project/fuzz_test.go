package project_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/project"
)

// FuzzValidate adds arbitrary bytes as a document file to a valid
// repository and loads it: the loader must never panic, every finding
// must have a code and a position in a real file, and the base
// repository's documents must stay valid unless a finding names their
// file (a duplicate name, say).
func FuzzValidate(f *testing.F) {
	base := readTree(f, "testdata/base")
	seeds, _ := filepath.Glob("testdata/broken/*.yaml")
	for _, s := range seeds {
		f.Add(mustRead(f, s))
	}
	for _, data := range base {
		f.Add(data)
	}
	l := newLoader(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		files := clone(base)
		files["deploy/fuzz.yaml"] = data
		snap, err := l.Load(context.Background(), project.NewMemory(files))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range snap.Diagnostics {
			if d.Code == "" || d.Pos.File == "" || d.Pos.Line < 1 {
				t.Fatalf("finding without code or position: %#v", d)
			}
		}
		for _, d := range snap.Documents {
			if d.File == "deploy/fuzz.yaml" || namesFile(snap.Diagnostics, d.File) {
				continue
			}
			for _, env := range snap.Environments() {
				if snap.IsInvalid(d.ID(), env) {
					t.Fatalf("%s held in %s by the fuzzed file", d.ID(), env)
				}
			}
		}
	})
}
