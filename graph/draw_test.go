package graph_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/graph"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./graph -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test ./graph -update after checking the change):\n%s", path, got)
	}
}

func TestDraw(t *testing.T) {
	for _, tt := range shapes {
		t.Run(tt.name, func(t *testing.T) {
			g := mustBuild(t, tt.spec)
			g.Name = "p"
			file := strings.ReplaceAll(tt.name, " ", "-")
			m, d := graph.Mermaid(g), graph.DOT(g)
			golden(t, file+".mmd", m)
			golden(t, file+".dot", d)
			if m2, d2 := graph.Mermaid(g), graph.DOT(g); m2 != m || d2 != d {
				t.Errorf("drawing twice gives different output")
			}
		})
	}
}

// TestDrawShowsShapes checks the features a reader relies on, independent
// of the golden files: foreach boxes titled with their list, case labels,
// dashed failure arrows.
func TestDrawShowsShapes(t *testing.T) {
	g := mustBuild(t, churn)
	m, d := graph.Mermaid(g), graph.DOT(g)
	for _, want := range []string{
		`subgraph c4_5["foreach parameters.alphas"]`,
		`subgraph c1_2["split features: branch text"]`,
		`s6 -->|"pass"| s7`,
		`s6 -.->|"on failure"| s8`,
		`s4 -->|"for each"| s5`,
		"start --> s0",
		"s7 --> finish",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, m)
		}
	}
	for _, want := range []string{
		`label="foreach parameters.alphas"; style=bold;`,
		`s6 -> s7 [label="pass"];`,
		`s6 -> s8 [label="on failure", style=dashed];`,
		`digraph "p" {`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("DOT lacks %q:\n%s", want, d)
		}
	}
}
