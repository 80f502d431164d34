package graph_test

import (
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// FuzzBuild feeds Build every pipeline the fuzzer can make from the test
// shapes: Build must never panic, must return either a graph or findings,
// and a graph it returns must be complete enough to draw.
func FuzzBuild(f *testing.F) {
	for _, s := range shapes {
		f.Add(pipeline(s.spec))
	}
	f.Add(pipeline("steps: [{name: a, next: a}]"))
	f.Add(pipeline("steps: [{name: s, split: {branches: [s], join: s}}]"))
	f.Fuzz(func(t *testing.T, src string) {
		file, diags := dsl.ParseFile("f.yaml", []byte(src), dsl.DefaultLimits())
		if len(diags) > 0 {
			return
		}
		for _, doc := range file.Documents {
			var spec dsl.PipelineSpec
			if dsl.Decode(doc.Merged("")["spec"], &spec) != nil {
				continue
			}
			g, ds := graph.Build(&spec, func(path ...string) sluice.Position {
				return doc.LocateIn("", false, append([]string{"spec"}, path...)...)
			})
			checkBuilt(t, g, ds)
		}
	})
}

func checkBuilt(t *testing.T, g *graph.Graph, ds sluice.Diagnostics) {
	if (g == nil) == (len(ds) == 0) {
		t.Fatalf("Build returned graph %v with %d findings", g != nil, len(ds))
	}
	if g == nil {
		return
	}
	for _, n := range g.Steps {
		if n.Scope == nil {
			t.Fatalf("step %q has no scope", n.Name)
		}
		if n.Scope.Kind != graph.ScopeRoot && n.Scope.Join == nil {
			t.Fatalf("step %q is in a scope without join", n.Name)
		}
	}
	if graph.Mermaid(g) == "" || graph.DOT(g) == "" {
		t.Fatalf("empty drawing")
	}
}
