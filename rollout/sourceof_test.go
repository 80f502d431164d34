package rollout

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice"
)

// TestSourceOf checks the document a rebuilt record is attributed to
// against what the compiler says of every resource in its golden files.
func TestSourceOf(t *testing.T) {
	files, err := filepath.Glob("../compile/testdata/*.golden.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	seen := map[sluice.ResourceType]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var resources []sluice.Resource
		if err := json.Unmarshal(raw, &resources); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, r := range resources {
			seen[r.Type] = true
			if got := sourceOf(r.ID); got != r.Source {
				t.Errorf("%s: sourceOf(%s) = %q, the compiler says %q", filepath.Base(f), r.ID, got, r.Source)
			}
		}
	}
	if len(seen) != len(sluice.Types()) {
		t.Errorf("the golden files hold %d resource types, the registry %d", len(seen), len(sluice.Types()))
	}
	for typ := range seen {
		if _, err := sluice.LookupType(typ); err != nil {
			t.Errorf("the compiler emits %s, which the registry of types lacks: %v", typ, err)
		}
	}
	if got := sourceOf("Queue/x"); got != "" {
		t.Errorf("sourceOf of an unknown type = %q, want empty", got)
	}
}
