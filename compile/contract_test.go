package compile_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestStepContractDocumented checks that every SLUICE_* variable a
// compiled step gets (in any golden file) has a row in the step contract
// of docs/dsl.md, so people who bring their own containers learn of it.
func TestStepContractDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "dsl.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, contract, ok := strings.Cut(string(doc), `<a id="step-contract"></a>`)
	if !ok {
		t.Fatal("docs/dsl.md has no step contract section")
	}
	goldens, err := filepath.Glob(filepath.Join("testdata", "*.golden.json"))
	if err != nil || len(goldens) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	seen := map[string]bool{}
	name := regexp.MustCompile(`"(SLUICE_[A-Z_]+)"`)
	for _, path := range goldens {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range name.FindAllStringSubmatch(string(b), -1) {
			seen[m[1]] = true
		}
	}
	if len(seen) < 12 {
		t.Fatalf("only %d SLUICE_* variables in the golden files: %v", len(seen), seen)
	}
	for v := range seen {
		if !strings.Contains(contract, "| `"+v+"` |") {
			t.Errorf("the step contract in docs/dsl.md has no row for %s", v)
		}
	}
}
