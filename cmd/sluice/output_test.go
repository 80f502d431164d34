package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestOutputFormatsGolden keeps each output format of the commands that
// work without a daemon in testdata/output.*: a fresh repository
// planned on the local backend, rendered, and the template list.
func TestOutputFormatsGolden(t *testing.T) {
	dir, local := freshRepo(t)
	plan := append([]string{"--repo", dir, "plan", "--env", "dev", "--revision", "0123456789ab"}, local...)
	render := []string{"--repo", dir, "render", "--env", "dev", "--revision", "0123456789ab"}
	cases := []struct {
		name string
		args []string
	}{
		{"plan.txt", slices.Concat(plan, []string{"-o", "text"})},
		{"plan.json", slices.Concat(plan, []string{"-o", "json"})},
		{"plan.yaml", slices.Concat(plan, []string{"-o", "yaml"})},
		{"plan.md", slices.Concat(plan, []string{"--output", "markdown"})},
		{"render.json", slices.Concat(render, []string{"-o", "json"})},
		{"render.yaml", slices.Concat(render, []string{"-o", "yaml"})},
		{"templates.json", []string{"templates", "-o", "json"}},
		{"templates.yaml", []string{"templates", "-o", "yaml"}},
		{"templates.training.yaml", []string{"templates", "training", "-o", "yaml"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			if code != exitOK {
				t.Fatalf("sluice %s: exit %d: %s", strings.Join(tc.args, " "), code, stderr)
			}
			goldenCompare(t, "output."+tc.name, []byte(stdout))
		})
	}
	// --format, which scripts written before -o use, prints the same.
	_, viaO, _ := runCLI(t, slices.Concat(plan, []string{"-o", "json"})...)
	_, viaFormat, _ := runCLI(t, slices.Concat(plan, []string{"--format", "json"})...)
	if viaO != viaFormat {
		t.Errorf("plan --format json and -o json differ")
	}
}

// TestGitHubAnnotationsFromTheRepositoryRoot validates a project kept in
// a folder of a Git repository: GitHub annotations name files from the
// repository's root, so they land on the pull request's lines; text
// keeps paths from the project.
func TestGitHubAnnotationsFromTheRepositoryRoot(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	clearFlagDefaults(t)
	root := t.TempDir()
	project := filepath.Join(root, "ml", "churn")
	if code, _, stderr := runCLI(t, "init", "--template", "training", project); code != exitOK {
		t.Fatalf("init: %s", stderr)
	}
	if out, err := exec.Command("git", "init", "-q", root).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	path := filepath.Join(project, "deploy", "pipeline.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, []byte("  unknownField: 1\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "--repo", project, "validate", "--format", "github")
	if code != exitInvalid || !strings.Contains(out, "file=ml/churn/deploy/pipeline.yaml,") {
		t.Errorf("validate --format github: exit %d, want 1 and the path from the repository's root:\n%s", code, out)
	}
	_, text, _ := runCLI(t, "--repo", project, "validate")
	if !strings.HasPrefix(text, "deploy/pipeline.yaml:") {
		t.Errorf("validate text: want paths from the project:\n%s", text)
	}
}
