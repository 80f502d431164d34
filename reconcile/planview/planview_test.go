package planview_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/reconcile/planview"
)

func TestSectionsOrderAndSummary(t *testing.T) {
	p := reconcile.Plan{Unchanged: 2, Changes: []reconcile.Change{
		{ID: "JobQueue/a", Action: reconcile.ActionCreate},
		{ID: "Bucket/b", Action: reconcile.ActionDelete},
		{ID: "StateMachine/c", Action: reconcile.ActionUpdate},
		{ID: "Bucket/d", Action: reconcile.ActionRetain},
		{ID: "ComputeEnvironment/e", Action: reconcile.ActionReplace},
	}}
	var got []string
	for _, s := range planview.Sections(p) {
		for _, c := range s.Changes {
			got = append(got, s.Title+":"+string(c.ID))
		}
	}
	want := "Deletions and replacements:Bucket/b Deletions and replacements:ComputeEnvironment/e Updates:StateMachine/c Retained and held:Bucket/d Creations:JobQueue/a"
	if strings.Join(got, " ") != want {
		t.Errorf("sections:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
	if s := planview.Summary(p); s != "1 to create, 1 to update, 1 to replace, 1 to delete, 1 retained, 0 held, 2 unchanged" {
		t.Errorf("summary %q", s)
	}
}

func TestFieldValueAndSymbol(t *testing.T) {
	for _, tt := range []struct {
		in   json.RawMessage
		want string
	}{
		{nil, "(not set)"},
		{json.RawMessage(`"x"`), `"x"`},
		{json.RawMessage(`"` + strings.Repeat("é", 300) + `"`), `"` + strings.Repeat("é", planview.MaxValue-1) + "…"},
	} {
		if got := planview.FieldValue(tt.in); got != tt.want {
			t.Errorf("FieldValue(%.20s) = %.30s", tt.in, got)
		}
	}
	for a, want := range map[reconcile.Action]string{reconcile.ActionCreate: "+", reconcile.ActionReplace: "-/+", reconcile.ActionRefuse: "!", reconcile.ActionHold: "="} {
		if got := planview.Symbol(a); got != want {
			t.Errorf("Symbol(%s) = %q, want %q", a, got, want)
		}
	}
}
