package local

import (
	"slices"
	"testing"
)

// TestStepGraphBefore checks which steps a run from a step reuses in a
// definition with a split (a Parallel state) inside a foreach body.
func TestStepGraphBefore(t *testing.T) {
	task := func(next string) string {
		s := `{"Type": "Task", "Resource": "` + ResourceSubmitJobSync + `"`
		if next != "" {
			return s + `, "Next": "` + next + `"}`
		}
		return s + `, "End": true}`
	}
	def := `{"StartAt": "a", "States": {
		"a": ` + task("a.foreach") + `,
		"a.foreach": {"Type": "Map", "Next": "z", "ItemProcessor": {"StartAt": "b", "States": {
			"b": ` + task("split") + `,
			"split": {"Type": "Parallel", "Next": "j", "Branches": [
				{"StartAt": "l", "States": {"l": ` + task("") + `}},
				{"StartAt": "r", "States": {"r": ` + task("r2") + `, "r2": ` + task("") + `}}]},
			"j": ` + task("") + `}}},
		"z": {"Type": "Task", "Resource": "` + ResourceSubmitJobSync + `", "End": true, "Catch": [{"Next": "oops"}]},
		"oops": ` + task("") + `}}`
	g, err := parseStepGraph([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	for from, want := range map[string][]string{
		"a":    nil,
		"b":    {"a"},
		"l":    {"a", "b", "r", "r2"},
		"r2":   {"a", "b", "l", "r"},
		"j":    {"a", "b", "l", "r", "r2"},
		"z":    {"a", "b", "j", "l", "r", "r2"},
		"oops": {"a", "b", "j", "l", "r", "r2", "z"},
	} {
		if got := g.before(from); !slices.Equal(got, want) {
			t.Errorf("before %s: %v, want %v", from, got, want)
		}
	}
}
