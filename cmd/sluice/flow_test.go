package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewUserFlow walks what the README promises a new user: scaffold
// every template, validate it, render every environment, draw the graph;
// then break a file and read the located finding.
func TestNewUserFlow(t *testing.T) {
	for _, tmpl := range []string{"training", "data-processing", "batch-prediction", "model-deployment"} {
		t.Run(tmpl, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			mustRun(t, exitOK, "init", "--template", tmpl, dir)
			mustRun(t, exitOK, "--repo", dir, "validate")
			for _, env := range []string{"dev", "staging", "prod"} {
				out := mustRun(t, exitOK, "--repo", dir, "render", "--env", env)
				var r rendering
				if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Resources) == 0 || r.Environment != env {
					t.Fatalf("render %s: %v, %d resources", env, err, len(r.Resources))
				}
			}
			graph := mustRun(t, exitOK, "--repo", dir, "graph", tmpl)
			if !strings.HasPrefix(graph, "flowchart") && !strings.Contains(graph, "graph") {
				t.Errorf("graph does not look like Mermaid:\n%s", graph)
			}
			dot := mustRun(t, exitOK, "--repo", dir, "graph", tmpl, "--format", "dot")
			if !strings.HasPrefix(dot, "digraph") {
				t.Errorf("graph --format dot does not look like DOT:\n%s", dot)
			}
			svg := mustRun(t, exitOK, "--repo", dir, "graph", tmpl, "--format", "svg", "--env", "dev")
			want, err := os.ReadFile(filepath.Join("..", "..", "graph", "testdata", "template-"+tmpl+".svg"))
			if err != nil || svg != string(want) {
				t.Errorf("graph --format svg differs from graph/testdata/template-%s.svg (%v):\n%s", tmpl, err, svg)
			}
		})
	}
}

func TestValidateFindsAndLocates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	broken := "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: broken}\nspec:\n  imagee: x\n  steps:\n    - name: a\n      command: [x]\n"
	if err := os.WriteFile(filepath.Join(dir, "deploy", "broken.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		format string
		want   string
	}{
		{"text", `deploy/broken.yaml:5:3: schema.unknown-field: unknown field "imagee" (did you mean "image"?)`},
		{"github", `::error file=deploy/broken.yaml,line=5,col=3,title=schema.unknown-field::unknown field "imagee" (did you mean "image"?)`},
		{"json", `"code": "schema.unknown-field"`},
	}
	for _, tc := range tests {
		code, stdout, _ := runCLI(t, "--repo", dir, "validate", "--format", tc.format)
		if code != exitInvalid || !strings.Contains(stdout, tc.want) {
			t.Errorf("validate --format %s: exit %d, want 1 and %q in:\n%s", tc.format, code, tc.want, stdout)
		}
	}
	code, _, stderr := runCLI(t, "--repo", dir, "render", "--env", "dev")
	if code != exitInvalid || !strings.Contains(stderr, "deploy/broken.yaml:5:3") {
		t.Errorf("render of an invalid repository: exit %d, stderr %s", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	tests := [][]string{
		{"--repo", dir, "validate", "--format", "xml"},
		{"--repo", dir, "render"},
		{"--repo", dir, "render", "--env", "qa"},
		{"--repo", dir, "graph", "nope"},
		{"--repo", dir, "graph"},
		{"no-such-command"},
	}
	for _, args := range tests {
		if code, _, _ := runCLI(t, args...); code != exitUsage {
			t.Errorf("sluice %v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, stdout, _ := runCLI(t, "--repo", t.TempDir(), "validate"); code != exitInvalid || !strings.Contains(stdout, "sluice.yaml:1:1: project.missing") {
		t.Errorf("validate of a folder with no project: exit %d, want 1 and project.missing (%s)", code, stdout)
	}
}

func mustRun(t testing.TB, want int, args ...string) string {
	t.Helper()
	code, stdout, stderr := runCLI(t, args...)
	if code != want {
		t.Fatalf("sluice %v: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", args, code, want, stdout, stderr)
	}
	return stdout
}
