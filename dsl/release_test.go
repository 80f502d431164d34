package dsl

import (
	"sync"
	"testing"

	"github.com/sluice-dev/sluice"
)

// After ReleaseTree, every position is the one the tree gave, found by
// parsing the source again, also when asked from several goroutines at
// once; the source is the file's own copy, not the caller's buffer.
func TestPositionsAfterReleaseTree(t *testing.T) {
	data := []byte(`# two documents
apiVersion: sluice.dev/v1
kind: ArtifactStore
metadata: {name: a}
spec: {versioning: true}
---
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: p
spec:
  steps:
    - name: one
      command: [echo, hi]
      next: two
    - &two
      name: two
      command: [echo, there]
environments:
  prod:
    steps:
      - name: two
        timeout: 5m
`)
	paths := [][]string{nil, {"kind"}, {"metadata", "name"}, {"spec", "steps", "1", "command", "1"},
		{"spec", "steps", "0", "next"}, {"environments", "prod", "steps", "0", "timeout"}, {"spec", "nowhere"}}
	type where struct {
		pos, key, in sluice.Position
		has          bool
	}
	ask := func(f *File) [][]where {
		var out [][]where
		for _, d := range f.Documents {
			var ws []where
			for _, p := range paths {
				ws = append(ws, where{d.Locate(p...), d.LocateKey(p...), d.LocateIn("prod", false, p...), d.Has(p...)})
			}
			ws = append(ws, where{pos: d.Pos()})
			out = append(out, ws)
		}
		return out
	}
	f, ds := ParseFile("deploy/x.yaml", data, DefaultLimits())
	if len(ds) > 0 || len(f.Documents) != 2 {
		t.Fatalf("parse: %v, %d documents", ds, len(f.Documents))
	}
	want := ask(f)
	for i := range data {
		data[i] = ' ' // the caller reuses its buffer
	}
	for _, d := range f.Documents {
		d.ReleaseTree()
		if d.node.Load() != nil {
			t.Fatal("the tree was kept")
		}
	}
	var wg sync.WaitGroup
	got := make([][][]where, 4)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = ask(f) }()
	}
	wg.Wait()
	for i := range got {
		for di := range want {
			for pi := range want[di] {
				if got[i][di][pi] != want[di][pi] {
					t.Errorf("document %d, question %d: %+v after release, %+v before", di, pi, got[i][di][pi], want[di][pi])
				}
			}
		}
	}
	if want[1][4].pos.Line != 16 || want[1][5].pos.Line != 24 {
		t.Errorf("positions before release are not the file's: %+v", want[1])
	}
}
