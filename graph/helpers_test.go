package graph_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// pipeline wraps a YAML fragment of spec fields (steps:, parameters:, ...)
// into a Pipeline document. The fragment starts on line 6 of the file.
func pipeline(spec string) string {
	var b strings.Builder
	b.WriteString("apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  image: img\n")
	for _, line := range strings.Split(strings.TrimSpace(spec), "\n") {
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}

// build parses a Pipeline document and builds its graph, positions mapped
// through the document.
func build(tb testing.TB, src string) (*graph.Graph, sluice.Diagnostics) {
	tb.Helper()
	f, diags := dsl.ParseFile("p.yaml", []byte(src), dsl.DefaultLimits())
	if len(diags) > 0 {
		tb.Fatalf("parse: %v", diags)
	}
	doc := f.Documents[0]
	var spec dsl.PipelineSpec
	if err := dsl.Decode(doc.Merged("")["spec"], &spec); err != nil {
		tb.Fatalf("decode: %v", err)
	}
	g, ds := graph.Build(&spec, func(path ...string) sluice.Position {
		return doc.LocateIn("", false, append([]string{"spec"}, path...)...)
	})
	if g != nil {
		g.Name = doc.Name
	}
	return g, ds
}

// mustBuild builds a graph that must be valid.
func mustBuild(tb testing.TB, spec string) *graph.Graph {
	tb.Helper()
	g, diags := build(tb, pipeline(spec))
	if len(diags) > 0 || g == nil {
		tb.Fatalf("Build: unexpected diagnostics:\n%v", diags)
	}
	return g
}

// names lists the names of nodes.
func names(nodes []*graph.Node) string {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = n.Name
	}
	return strings.Join(out, ",")
}
