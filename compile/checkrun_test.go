package compile_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

// TestCheckRun checks that a run start checks the declarations when it
// knows them, and only sizes when it does not.
func TestCheckRun(t *testing.T) {
	declared := map[string]dsl.Parameter{"epochs": {Type: "integer"}}
	huge := strings.Repeat("x", 9000)
	tests := []struct {
		name  string
		known bool
		given map[string]any
		want  string
	}{
		{"known: a misspelt name", true, map[string]any{"epoch": 3}, "did you mean"},
		{"known: fits", true, map[string]any{"epochs": 3}, ""},
		{"unknown: any name passes", false, map[string]any{"epoch": 3}, ""},
		{"unknown: too large still refused", false, map[string]any{"epoch": huge}, "allows 8192"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(compile.CheckRun(declared, tt.known, tt.given), "; ")
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("CheckRun = %q, want %q", got, tt.want)
			}
		})
	}
}
