package main

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// everyActionPlan is a plan with one change of every action, one of them
// with a reason a Markdown table cell must escape.
func everyActionPlan() reconcile.Plan {
	return reconcile.Plan{Unchanged: 3, Changes: []reconcile.Change{
		{ID: "Bucket/artifacts", Action: reconcile.ActionCreate, Reason: "new in the documents"},
		{ID: "JobDefinition/train.fit", Action: reconcile.ActionUpdate, Reason: "changed in the documents"},
		{ID: "StateMachine/train", Action: reconcile.ActionUpdate, Reason: "drifted: definition | roleArn\nchanged outside Sluice"},
		{ID: "ComputeEnvironment/gpu", Action: reconcile.ActionReplace, Reason: "type cannot change in place"},
		{ID: "JobQueue/old", Action: reconcile.ActionDelete, Reason: "gone from the documents"},
		{ID: "Bucket/scratch", Action: reconcile.ActionRetain, Reason: "gone from the documents; deletion policy retain"},
		{ID: "Schedule/nightly", Action: reconcile.ActionHold, Reason: "document Schedule/nightly is invalid"},
	}}
}

type planWriter func(io.Writer, string, reconcile.Plan) error

func TestPlanOutputGolden(t *testing.T) {
	tests := []struct {
		format string
		write  planWriter
	}{
		{"txt", writePlanText},
		{"json", writePlanJSON},
		{"md", writePlanMarkdown},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, "dev", everyActionPlan()); err != nil {
				t.Fatal(err)
			}
			goldenCompare(t, "plan.every-action."+tc.format, b.Bytes())
		})
	}
}

func TestPlanOutputEmpty(t *testing.T) {
	tests := []struct {
		name  string
		write planWriter
		want  string
	}{
		{"text", writePlanText, "Plan for prod: 0 to create, 0 to update, 0 to replace, 0 to delete, 0 retained, 0 held, 4 unchanged\n"},
		{"json", writePlanJSON, `"empty": true`},
		{"markdown", writePlanMarkdown, "No changes.\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, "prod", reconcile.Plan{Unchanged: 4}); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), tc.want) {
				t.Errorf("got:\n%s\nwant it to contain %q", b.String(), tc.want)
			}
		})
	}
}

// TestPlanMarkdownFitsAComment checks that a plan far too large for a
// pull-request comment is cut under GitHub's 65,536-character limit and
// says how many changes it left out, and that every change is either
// shown or counted.
func TestPlanMarkdownFitsAComment(t *testing.T) {
	const n = 5000
	var p reconcile.Plan
	for i := range n {
		p.Changes = append(p.Changes, reconcile.Change{
			ID:     sluice.ResourceID(fmt.Sprintf("JobDefinition/pipeline-%04d.some-rather-long-step-name", i)),
			Action: reconcile.ActionUpdate, Reason: "changed in the documents",
		})
	}
	var b bytes.Buffer
	if err := writePlanMarkdown(&b, "prod", p); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if len(md) >= 65536 {
		t.Fatalf("markdown is %d characters, over a comment's 65,536", len(md))
	}
	m := regexp.MustCompile(`…and (\d+) more changes, not shown`).FindStringSubmatch(md)
	if m == nil {
		t.Fatalf("markdown does not say changes were cut:\n%s", md[len(md)-300:])
	}
	cut, _ := strconv.Atoi(m[1])
	shown := strings.Count(md, "| `~` | update |")
	if shown+cut != n || shown == 0 || cut == 0 {
		t.Errorf("%d rows shown + %d said cut = %d, want %d with both > 0", shown, cut, shown+cut, n)
	}
	for _, want := range []string{"**0 to create, 5000 to update,", "\n</details>\n", "`sluice plan --env prod`"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}
