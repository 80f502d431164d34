package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateOnceForADefault: a mistake in the project's defaults holds
// every pipeline that inherits it; the text and GitHub outputs print it
// once, the JSON output keeps one finding per held pipeline.
func TestValidateOnceForADefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	project := filepath.Join(dir, "sluice.yaml")
	data, err := os.ReadFile(project)
	if err != nil {
		t.Fatal(err)
	}
	data = []byte(strings.Replace(string(data), "memory: 2Gi", "memory: 1", 1))
	second := "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: second}\nspec:\n  image: x\n  steps:\n    - name: a\n      command: [x]\n"
	if err := os.WriteFile(project, data, 0o644); err != nil {
		t.Fatal(err)
	}
	third := strings.Replace(second, "second", "third", 1)
	if err := os.WriteFile(filepath.Join(dir, "deploy", "more.yaml"), []byte(second+"---\n"+third), 0o644); err != nil {
		t.Fatal(err)
	}
	for format, want := range map[string]int{"text": 1, "github": 1, "json": 2} {
		code, stdout, _ := runCLI(t, "--repo", dir, "validate", "--format", format)
		if got := strings.Count(stdout, "limit.memory"); code != exitInvalid || got != want {
			t.Errorf("validate --format %s: exit %d, %d limit.memory findings, want exit 1 and %d:\n%s", format, code, got, want, stdout)
		}
	}
	_, _, stderr := runCLI(t, "--repo", dir, "validate")
	if !strings.Contains(stderr, "1 problem(s) in 1 file(s)") {
		t.Errorf("summary %q, want one problem", stderr)
	}
}
