package project_test

import (
	"encoding/json"
	"testing"

	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/schema"
)

// TestNamePatternMatchesSchemas fails when a kind's schema names
// documents with another pattern than the one identity is judged by.
func TestNamePatternMatchesSchemas(t *testing.T) {
	checked := 0
	for _, kind := range schema.Kinds() {
		raw, ok := schema.Source(kind)
		if !ok {
			t.Fatalf("no schema for %s", kind)
		}
		var s struct {
			Defs map[string]struct {
				Pattern   string `json:"pattern"`
				MaxLength int    `json:"maxLength"`
			} `json:"$defs"`
		}
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		name, ok := s.Defs["name"]
		if !ok {
			continue // the Project kind names nothing deployed
		}
		checked++
		if name.Pattern != project.NamePattern || name.MaxLength != 63 {
			t.Errorf("%s: $defs/name is %q (max %d), identity is judged by %q (max 63)", kind, name.Pattern, name.MaxLength, project.NamePattern)
		}
	}
	if checked < len(schema.Kinds())-1 {
		t.Errorf("checked %d kinds' names, want every kind but the Project", checked)
	}
}

func TestValidName(t *testing.T) {
	for name, want := range map[string]bool{
		"training-b": true, "a": true, "": false, "Training-b": false, "1abc": false, "a_b": false,
		"a234567890123456789012345678901234567890123456789012345678901234": false,
	} {
		if got := project.ValidName(name); got != want {
			t.Errorf("ValidName(%q) = %v, want %v", name, got, want)
		}
	}
}
