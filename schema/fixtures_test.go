package schema_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// MustValidator returns a Validator or stops the test.
func MustValidator(tb testing.TB) *schema.Validator {
	tb.Helper()
	v, err := schema.New()
	if err != nil {
		tb.Fatalf("schema.New: %v", err)
	}
	return v
}

// MustParse parses a file with dsl.ParseFile or stops the test.
func MustParse(tb testing.TB, path string, data []byte) *dsl.File {
	tb.Helper()
	f, diags := dsl.ParseFile(path, data, dsl.DefaultLimits())
	if len(diags) > 0 {
		tb.Fatalf("parse %s:\n%v", path, diags)
	}
	return f
}

// validateFile validates every document of a file as written and in every
// environment it overrides.
func validateFile(tb testing.TB, v *schema.Validator, path string) sluice.Diagnostics {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out sluice.Diagnostics
	for _, doc := range MustParse(tb, path, data).Documents {
		out = append(out, v.ValidateAll(doc)...)
	}
	return out.Sort()
}

// wants reads the "# want: LINE:COL CODE [env=ENV]" lines of a fixture.
func wants(tb testing.TB, path string) []string {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if w, ok := strings.CutPrefix(line, "# want: "); ok {
			out = append(out, strings.TrimSpace(w))
		}
	}
	return out
}

// summary is a diagnostic as a want line writes it.
func summary(d sluice.Diagnostic) string {
	s := fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Column, d.Code)
	if d.Env != "" {
		s += " env=" + d.Env
	}
	return s
}

func fixtures(tb testing.TB, dir string) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no fixtures in testdata/%s: %v", dir, err)
	}
	return files
}

func TestFixtures(t *testing.T) {
	v := MustValidator(t)
	files := append(fixtures(t, "valid"), fixtures(t, "invalid")...)
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			want := wants(t, path)
			if strings.Contains(path, "invalid") == (len(want) == 0) {
				t.Fatalf("fixtures under invalid/ need want lines, those under valid/ none; %s has %d", path, len(want))
			}
			diags := validateFile(t, v, path)
			got := make([]string, len(diags))
			for i, d := range diags {
				got[i] = summary(d)
				checkDiagnostic(t, path, d)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got:\n  %s\nwant:\n  %s\ndiagnostics:\n%v", strings.Join(got, "\n  "), strings.Join(want, "\n  "), diags)
			}
		})
	}
}

// checkDiagnostic checks what every schema diagnostic must carry.
func checkDiagnostic(tb testing.TB, path string, d sluice.Diagnostic) {
	tb.Helper()
	switch {
	case d.Pos.File != path || d.Pos.Line < 1 || d.Pos.Column < 1:
		tb.Errorf("%v: want a position in %s", d, path)
	case !strings.HasPrefix(d.Code, "schema."):
		tb.Errorf("%v: code outside schema.", d)
	case !strings.Contains(d.Document, "/"):
		tb.Errorf("%v: no document ID (%q)", d, d.Document)
	case d.Severity != sluice.SeverityError || d.Message == "":
		tb.Errorf("%v: want an error with a message", d)
	}
}

// TestMessages keeps every message of the invalid fixtures in a golden
// file, so that a change of wording shows in review.
func TestMessages(t *testing.T) {
	v := MustValidator(t)
	var buf bytes.Buffer
	for _, path := range fixtures(t, "invalid") {
		for _, d := range validateFile(t, v, path) {
			fmt.Fprintln(&buf, d)
		}
	}
	golden := filepath.Join("testdata", "messages.golden")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./schema -run TestMessages -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("messages differ from %s (run go test ./schema -run TestMessages -update and review the diff):\n%s", golden, buf.String())
	}
}

// TestEveryCodeCovered fails when a code the validator emits for the
// embedded schemas has no invalid fixture.
func TestEveryCodeCovered(t *testing.T) {
	v := MustValidator(t)
	seen := map[string]bool{}
	for _, path := range fixtures(t, "invalid") {
		for _, d := range validateFile(t, v, path) {
			seen[d.Code] = true
		}
	}
	codes := []string{
		"schema.type", "schema.required", "schema.unknown-field", "schema.enum", "schema.pattern",
		"schema.minimum", "schema.maximum", "schema.min-length", "schema.max-length", "schema.min-items",
		"schema.min-properties", "schema.unique-items", "schema.exclusive", "schema.not-allowed", "schema.reserved",
	}
	for _, c := range codes {
		if !seen[c] {
			t.Errorf("no invalid fixture produces %s", c)
		}
	}
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
