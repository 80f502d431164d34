package graph_test

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
	"github.com/sluice-dev/sluice/templates"
)

// TestSVGShapes draws every shape of the graph tests, compares it with
// its golden file and checks it is well-formed XML with a box per step.
func TestSVGShapes(t *testing.T) {
	for _, tt := range shapes {
		t.Run(tt.name, func(t *testing.T) {
			g := mustBuild(t, tt.spec)
			g.Name = "p"
			got := graph.SVG(g)
			golden(t, strings.ReplaceAll(tt.name, " ", "-")+".svg", got)
			checkSVG(t, g, got)
			if graph.SVG(g) != got {
				t.Errorf("drawing twice gives different output")
			}
		})
	}
}

// TestSVGTemplates draws the pipeline of every embedded template as the
// dev environment sees it.
func TestSVGTemplates(t *testing.T) {
	for _, name := range templates.Names() {
		t.Run(name, func(t *testing.T) {
			g := templateGraph(t, name)
			got := graph.SVG(g)
			golden(t, "template-"+name+".svg", got)
			checkSVG(t, g, got)
		})
	}
}

// TestSVGStatus colours steps by their run status and links them.
func TestSVGStatus(t *testing.T) {
	g := mustBuild(t, churn)
	got := graph.SVGWith(g, graph.SVGOptions{
		Status: map[string]string{"load": "SUCCEEDED", "text": "FAILED", "tabular": "RUNNING"},
		Href:   func(step string) string { return "#step-" + step },
	})
	checkSVG(t, g, got)
	for _, want := range []string{
		`<g class="step st-succeeded" data-step="load">`,
		`<g class="step st-failed" data-step="text">`,
		`<g class="step st-running" data-step="tabular">`,
		`<g class="step st-not-run" data-step="report">`,
		`<a href="#step-text">`,
		`fill="#fee2e2" stroke="#b91c1c"`,
		`>failed</text>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

// TestSVGShowsShapes checks what a reader relies on, independent of the
// golden files.
func TestSVGShowsShapes(t *testing.T) {
	g := mustBuild(t, churn)
	got := graph.SVG(g)
	for _, want := range []string{
		`<g class="foreach"><title>foreach parameters.alphas</title>`,
		`<g class="branch"><title>split features: branch text</title>`,
		`<g class="decision"><title>switch on outputs.quality</title>`,
		`stroke="#b91c1c" stroke-width="1.4" stroke-dasharray="6 4" marker-end="url(#sluice-arrow-fail)"`,
		`>on failure</text>`,
		`>pass</text>`,
		`>fail, default</text>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("SVG lacks %q:\n%s", want, got)
		}
	}
}

func templateGraph(t testing.TB, name string) *graph.Graph {
	t.Helper()
	repo := filepath.Join(t.TempDir(), "repo")
	if err := templates.Scaffold(name, repo, "demo"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(repo, "deploy", "pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f, diags := dsl.ParseFile("deploy/pipeline.yaml", data, dsl.DefaultLimits())
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	var spec dsl.PipelineSpec
	if err := dsl.Decode(f.Documents[0].Merged("dev")["spec"], &spec); err != nil {
		t.Fatal(err)
	}
	g, ds := graph.Build(&spec, nil)
	if len(ds) > 0 {
		t.Fatal(ds)
	}
	g.Name = f.Documents[0].Name
	return g
}

// checkSVG parses the drawing and counts its step boxes.
func checkSVG(t *testing.T, g *graph.Graph, svg string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	steps := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "g" {
			for _, a := range se.Attr {
				if a.Name.Local == "data-step" {
					steps++
				}
			}
		}
	}
	if steps != len(g.Steps) {
		t.Errorf("%d step boxes, want %d", steps, len(g.Steps))
	}
}

// BenchmarkSVG draws the training template's pipeline (a foreach, a
// switch, failure handlers) and a generated 20-step pipeline with two
// splits and a foreach.
func BenchmarkSVG(b *testing.B) {
	training := templateGraph(b, "training")
	wide := mustBuild(b, wideSpec)
	for _, bc := range []struct {
		name string
		g    *graph.Graph
	}{{"training", training}, {"20-steps", wide}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				n = len(graph.SVG(bc.g))
			}
			b.ReportMetric(float64(n), "bytes/svg")
		})
	}
}

const wideSpec = `
parameters: {xs: {type: list, default: [1, 2]}}
steps:
  - {name: s1, next: s2}
  - {name: s2, split: {branches: [a1, b1, c1], join: j1}}
  - {name: a1, next: a2}
  - {name: a2, next: j1}
  - {name: b1, next: b2}
  - {name: b2, next: j1}
  - {name: c1, next: j1}
  - {name: j1, foreach: {over: parameters.xs, step: f1, join: j2}}
  - {name: f1, next: f2}
  - {name: f2, next: f3}
  - {name: f3, next: j2}
  - {name: j2, split: {branches: [d1, e1], join: j3}}
  - {name: d1, next: d2}
  - {name: d2, next: j3}
  - {name: e1, next: j3}
  - {name: j3, switch: {on: outputs.ok, cases: {yes: s18, no: s19}}, onFailure: s20}
  - {name: s18, next: s20}
  - {name: s19, next: s20}
  - {name: s20, next: s21}
  - {name: s21}
`
