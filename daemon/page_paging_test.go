package daemon

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// bigPlan has n pipelines' worth of changes: for each, a state machine
// and two job definitions created; pipeline 7's state machine updated
// instead; one queue deleted and one compute environment replaced.
func bigPlan(n int) reconcile.Plan {
	var p reconcile.Plan
	for i := range n {
		name := fmt.Sprintf("pipeline-%04d", i)
		sm := reconcile.Change{ID: sluice.ResourceID("StateMachine/" + name), Action: reconcile.ActionCreate}
		if i == 7 {
			sm.Action = reconcile.ActionUpdate
		}
		p.Changes = append(p.Changes, sm,
			reconcile.Change{ID: sluice.ResourceID("JobDefinition/" + name + "-a"), Action: reconcile.ActionCreate},
			reconcile.Change{ID: sluice.ResourceID("JobDefinition/" + name + "-b"), Action: reconcile.ActionCreate})
	}
	p.Changes = append(p.Changes, reconcile.Change{ID: "JobQueue/old", Action: reconcile.ActionDelete},
		reconcile.Change{ID: "ComputeEnvironment/cpu", Action: reconcile.ActionReplace})
	return p
}

func ids(cs []reconcile.Change) string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c.ID))
	}
	return strings.Join(out, " ")
}

func TestPagePlan(t *testing.T) {
	plan := bigPlan(100) // 302 changes: 2 always shown, 300 paged (1 update, 299 creations)
	for _, tt := range []struct {
		query                string
		page, pages, matched int
		sections             string // title:count on this page
		first, last          string
		prev, next           string
	}{
		{"", 1, 6, 300, "Updates:1 Creations:49", "StateMachine/pipeline-0007", "JobDefinition/pipeline-0016-a", "", "/ui/env/dev/plan?page=2#changes"},
		{"page=2", 2, 6, 300, "Creations:50", "JobDefinition/pipeline-0016-b", "StateMachine/pipeline-0033",
			"/ui/env/dev/plan#changes", "/ui/env/dev/plan?page=3#changes"},
		{"page=99", 6, 6, 300, "Creations:50", "JobDefinition/pipeline-0083-a", "JobDefinition/pipeline-0099-b", "/ui/env/dev/plan?page=5#changes", ""},
		{"page=-3", 1, 6, 300, "Updates:1 Creations:49", "StateMachine/pipeline-0007", "JobDefinition/pipeline-0016-a", "", "/ui/env/dev/plan?page=2#changes"},
		{"type=StateMachine&page=2", 2, 2, 100, "Creations:50", "StateMachine/pipeline-0050", "StateMachine/pipeline-0099",
			"/ui/env/dev/plan?type=StateMachine#changes", ""},
		{"q=pipeline-0042", 1, 1, 3, "Creations:3", "StateMachine/pipeline-0042", "JobDefinition/pipeline-0042-b", "", ""},
		{"q=nothing", 1, 1, 0, "", "", "", "", ""},
	} {
		q, _ := url.ParseQuery(tt.query)
		v := pagePlan(plan, "/ui/env/dev/plan", q)
		if got := ids(v.Always); got != "JobQueue/old ComputeEnvironment/cpu" {
			t.Errorf("%q: always shown %s", tt.query, got)
		}
		var secs []string
		var shown []reconcile.Change
		for _, s := range v.Sections {
			secs = append(secs, fmt.Sprintf("%s:%d", s.Title, len(s.Changes)))
			shown = append(shown, s.Changes...)
		}
		if v.Pager.Page != tt.page || v.Pager.Pages != tt.pages || v.Matched != tt.matched || strings.Join(secs, " ") != tt.sections {
			t.Errorf("%q: page %d of %d, %d matched, sections %v; want %d of %d, %d, %s", tt.query, v.Pager.Page, v.Pager.Pages,
				v.Matched, secs, tt.page, tt.pages, tt.matched, tt.sections)
		}
		if len(shown) > 0 && (string(shown[0].ID) != tt.first || string(shown[len(shown)-1].ID) != tt.last) {
			t.Errorf("%q: shows %s … %s, want %s … %s", tt.query, shown[0].ID, shown[len(shown)-1].ID, tt.first, tt.last)
		}
		prev, next := "", ""
		if n := v.Pager.Prev(); n > 0 {
			prev = v.Pager.Link(n)
		}
		if n := v.Pager.Next(); n > 0 {
			next = v.Pager.Link(n)
		}
		if prev != tt.prev || next != tt.next {
			t.Errorf("%q: links %q %q, want %q %q", tt.query, prev, next, tt.prev, tt.next)
		}
	}
	v := pagePlan(plan, "/ui/env/dev/plan", nil)
	if fmt.Sprint(v.Actions) != "[delete replace update create]" {
		t.Errorf("the counts' columns are %v, want the plan's four actions", v.Actions)
	}
	want := map[string][4]int{"StateMachine": {0, 0, 1, 99}, "JobDefinition": {0, 0, 0, 200}, "JobQueue": {1}, "ComputeEnvironment": {0, 1}}
	for _, c := range v.Counts {
		if len(c.ByAct) != 4 || [4]int(c.ByAct) != want[c.Type] {
			t.Errorf("counts of %s: %v, want %v", c.Type, c.ByAct, want[c.Type])
		}
	}
	if len(v.Counts) != len(want) || strings.Join(v.Types, " ") != "ComputeEnvironment JobDefinition JobQueue StateMachine" {
		t.Errorf("counts %+v, types %v", v.Counts, v.Types)
	}
}

func TestPagePipelines(t *testing.T) {
	var ps []Pipeline
	for i := range 120 {
		ps = append(ps, Pipeline{Name: fmt.Sprintf("p%03d", i), Held: i%40 == 5})
	}
	for _, tt := range []struct {
		query             string
		held, shown, page int
		first, next, prev string
	}{
		{"", 3, 50, 1, "p000", "/?env=dev&page=2#pipelines-dev", ""},
		{"env=dev&page=3", 3, 17, 3, "p103", "", "/?env=dev&page=2#pipelines-dev"},
		{"env=prod&page=3", 3, 50, 1, "p000", "/?env=dev&page=2#pipelines-dev", ""}, // another environment's page
		{"env=dev&q=p11", 3, 10, 1, "p110", "", ""},
	} {
		q, _ := url.ParseQuery(tt.query)
		v := pagePipelines("dev", ps, q)
		next, prev := "", ""
		if n := v.Pager.Next(); n > 0 {
			next = v.Pager.Link(n)
		}
		if n := v.Pager.Prev(); n > 0 {
			prev = v.Pager.Link(n)
		}
		if len(v.Held) != tt.held || len(v.Shown) != tt.shown || v.Pager.Page != tt.page || v.Shown[0].Name != tt.first || next != tt.next || prev != tt.prev {
			t.Errorf("%q: %d held, %d shown from %s, page %d, next %q, prev %q; want %d, %d from %s, %d, %q, %q", tt.query,
				len(v.Held), len(v.Shown), v.Shown[0].Name, v.Pager.Page, next, prev, tt.held, tt.shown, tt.first, tt.page, tt.next, tt.prev)
		}
	}
}
