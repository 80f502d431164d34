package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the CLI with args and returns its exit code and output.
func runCLI(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestTemplatesCommand(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want []string
	}{
		{[]string{"templates"}, exitOK, []string{"NAME", "DESCRIPTION", "batch-prediction ", "data-processing ", "model-deployment ", "training "}},
		{[]string{"templates", "training"}, exitOK, []string{"sluice init --template training", "learningRates  list", "image          string  (required)"}},
		{[]string{"templates", "--format", "json", "batch-prediction"}, exitOK, []string{`"name": "shardSize"`, `"type": "integer"`, `"default": 500`}},
		{[]string{"templates", "trainng"}, exitUsage, []string{`unknown template "trainng" (did you mean "training"?)`}},
		{[]string{"templates", "--format", "xml"}, exitUsage, []string{`unknown output format "xml"`}},
		{[]string{"templates", "-o", "yaml"}, exitOK, []string{"- description: ", "  name: training"}},
	}
	for _, tt := range tests {
		code, stdout, stderr := runCLI(t, tt.args...)
		if code != tt.code {
			t.Errorf("sluice %v: exit %d, want %d (stderr %s)", tt.args, code, tt.code, stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(stdout+stderr, w) {
				t.Errorf("sluice %v does not print %q:\n%s%s", tt.args, w, stdout, stderr)
			}
		}
	}
}

func TestTemplatesCommandJSONList(t *testing.T) {
	code, stdout, _ := runCLI(t, "templates", "--format", "json")
	var list []struct{ Name, Description, Pipeline string }
	if err := json.Unmarshal([]byte(stdout), &list); code != exitOK || err != nil || len(list) != 4 {
		t.Fatalf("exit %d, %v: %s", code, err, stdout)
	}
	if list[3].Name != "training" || list[3].Pipeline != "training" || list[3].Description == "" {
		t.Errorf("last template = %+v, want training described", list[3])
	}
}

func TestInitCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "Fraud Models")
	code, stdout, stderr := runCLI(t, "init", "--template", "data-processing", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "cd '" + dir + "' && sluice validate && sluice render --env dev && sluice graph data-processing"
	if !strings.Contains(stdout, want) || !strings.Contains(stdout, `project "fraud-models"`) {
		t.Errorf("init output does not give the next commands %q:\n%s", want, stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, "deploy", "pipeline.yaml")); err != nil {
		t.Error(err)
	}
	code, _, stderr = runCLI(t, "init", "--template", "data-processing", dir)
	if code != exitUsage || !strings.Contains(stderr, "nothing was written") {
		t.Errorf("init over a scaffold: exit %d, %s; want a refusal", code, stderr)
	}
}

func TestInitCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"init", dir}, "--template is required; the templates are batch-prediction, data-processing, model-deployment, training"},
		{[]string{"init", "--template", "trainin", dir}, `did you mean "training"?`},
		{[]string{"init", "--template", "training", "--project", "Bad_Name", dir}, `project name "Bad_Name"`},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) {
			t.Errorf("sluice %v: exit %d, %s; want exit %d and %q", tt.args, code, stderr, exitUsage, tt.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed inits wrote %d entries", len(entries))
	}
}
