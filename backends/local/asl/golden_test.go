package asl_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// goldenDefinition returns the state machine definition of a compiler
// golden file.
func goldenDefinition(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "compile", "testdata", name+".dev.golden.json"))
	if err != nil {
		tb.Fatal(err)
	}
	var resources []struct {
		Type string `json:"type"`
		Spec struct {
			Definition json.RawMessage `json:"definition"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(b, &resources); err != nil {
		tb.Fatal(err)
	}
	for _, r := range resources {
		if r.Type == "StateMachine" {
			return string(r.Spec.Definition)
		}
	}
	tb.Fatalf("%s has no state machine", name)
	return ""
}
