package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/reconcile"
)

// TestPlanMarksDriftedFields: a change in the documents to a resource
// that also drifted lists both sets of fields, in text and markdown, the
// drifted ones marked.
func TestPlanMarksDriftedFields(t *testing.T) {
	p := reconcile.Plan{Changes: []reconcile.Change{{ID: "ComputeEnvironment/cpu", Action: reconcile.ActionUpdate, Drift: true,
		Reason: "changed in the documents, and drifted outside Sluice (fields marked drifted)", Fields: []reconcile.FieldDiff{
			{Path: "spec.computeResources.maxvCpus", Old: json.RawMessage(`64`), New: json.RawMessage(`32`)},
			{Path: "tags.team", New: json.RawMessage(`"ml"`), Drift: true},
		}}}}
	var text, md bytes.Buffer
	if err := writePlanText(&text, "dev", p); err != nil {
		t.Fatal(err)
	}
	if err := writePlanMarkdown(&md, "dev", p, "sluice plan --env dev"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		format, out, changed, drifted string
	}{
		{"text", text.String(), "spec.computeResources.maxvCpus: 64 → 32\n", "tags.team: (not set) → \"ml\" (drifted)\n"},
		{"markdown", md.String(), "<code>spec.computeResources.maxvCpus</code> |", "<code>tags.team</code> (drifted) |"},
	} {
		if !strings.Contains(tc.out, tc.changed) || !strings.Contains(tc.out, tc.drifted) {
			t.Errorf("%s plan lacks %q or %q:\n%s", tc.format, tc.changed, tc.drifted, tc.out)
		}
	}
}
