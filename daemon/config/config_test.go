package config_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon/config"
)

var update = flag.Bool("update", false, "rewrite the expected outputs under testdata/")

// TestBad parses each testdata/bad/NAME.yaml and compares its findings
// with NAME.err.
func TestBad(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			cfg, err := config.Load(file)
			var cerr *config.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("Load = %+v, %v; want an *config.Error", cfg, err)
			}
			got := err.Error() + "\n"
			if strings.Contains(got, "SECRETVALUE") {
				t.Errorf("a finding repeats a secret's value:\n%s", got)
			}
			compareGolden(t, strings.TrimSuffix(file, ".yaml")+".err", got)
		})
	}
}

// TestGood parses each testdata/good/NAME.yaml and compares the resulting
// configuration, defaults applied, with NAME.json.
func TestGood(t *testing.T) {
	files, err := filepath.Glob("testdata/good/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no good fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			cfg, err := config.Load(file)
			if err != nil {
				t.Fatal(err)
			}
			out := struct {
				Config   *config.Config   `json:"config"`
				Warnings []config.Finding `json:"warnings,omitempty"`
			}{cfg, cfg.Warnings}
			data, err := json.MarshalIndent(out, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, strings.TrimSuffix(file, ".yaml")+".json", string(data)+"\n")
		})
	}
}

// TestExample loads the commented example shipped in docs/.
func TestExample(t *testing.T) {
	cfg, err := config.Load("../../docs/daemon.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("warnings: %v", cfg.Warnings)
	}
	if env, ok := cfg.Environment("prod"); !ok || env.Sync != config.SyncManual || env.Repository != "ml" || !env.Protected {
		t.Errorf("Environment(prod) = %+v, %v", env, ok)
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestAliasExpansionBounded checks that a short file whose aliases expand
// to millions of environments stops with a finding instead of walking
// them all.
func TestAliasExpansionBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("stateFile: /s\nrepositories:\n  - &r\n    name: r\n    url: https://h/r\n    environments:\n")
	b.WriteString("      - &e {name: e, branch: b, backend: local, local: {dir: /l}}\n")
	for range 2000 {
		b.WriteString("      - *e\n")
	}
	for range 2000 {
		b.WriteString("  - *r\n")
	}
	_, err := config.Parse("bomb.yaml", []byte(b.String()))
	var cerr *config.Error
	if !errors.As(err, &cerr) || len(cerr.Findings) != 102 {
		t.Fatalf("Parse error = %.300v, want 100 findings, the expansion and a count of the rest", err)
	}
	if !strings.Contains(err.Error(), "expands beyond") {
		t.Errorf("the expansion is not reported:\n%s", err)
	}
	if last := cerr.Findings[101].Message; !strings.HasSuffix(last, "more findings not shown") {
		t.Errorf("last finding %q does not count the findings left out", last)
	}
}
