package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestPlanSaysWhatIsLeftAsItIs: a plan that removes a field Sluice
// leaves as it is says so in every format, and only then.
func TestPlanSaysWhatIsLeftAsItIs(t *testing.T) {
	const text = "storageType left out: Sluice leaves the instance's storage type as it is"
	note := []sluice.Note{{Key: "StorageType", Text: text}}
	desired := &sluice.Resource{ID: "DBInstance/metadata", Spec: json.RawMessage(`{"AllocatedStorage":20}`), Notes: note}
	tests := []struct {
		name    string
		action  reconcile.Action
		applied string // "" : never applied
		want    bool
	}{
		{"removed from the document", reconcile.ActionUpdate, `{"AllocatedStorage":20,"StorageType":"gp3"}`, true},
		{"never set", reconcile.ActionUpdate, `{"AllocatedStorage":10}`, false},
		{"set to null before", reconcile.ActionUpdate, `{"AllocatedStorage":20,"StorageType":null}`, false},
		{"a creation", reconcile.ActionCreate, ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := reconcile.Change{ID: desired.ID, Action: tt.action, Reason: "changed in the documents", Desired: desired}
			if tt.applied != "" {
				c.Applied = &reconcile.Applied{ID: desired.ID, Spec: json.RawMessage(tt.applied)}
			}
			p := reconcile.Plan{Changes: []reconcile.Change{c}}
			for name, write := range map[string]planWriter{"text": writePlanText, "json": writePlanJSON, "markdown": markdownWriter} {
				var b bytes.Buffer
				if err := write(&b, "dev", p); err != nil {
					t.Fatal(err)
				}
				if got := strings.Contains(b.String(), text); got != tt.want {
					t.Errorf("%s plan says the note: %v, want %v\n%s", name, got, tt.want, b.String())
				}
			}
		})
	}
}
