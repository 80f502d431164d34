package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// everyActionPlan is a plan with one change of every action, one of them
// with a reason a Markdown table cell must escape, updates with fields (a
// change in Git, drift of a field and of a tag, a recorded deletion
// policy, a secret) and a value too long to show whole.
func everyActionPlan() reconcile.Plan {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	long := raw(`"` + strings.Repeat("x", 300) + `"`)
	return reconcile.Plan{Unchanged: 3, Changes: []reconcile.Change{
		{ID: "Bucket/artifacts", Action: reconcile.ActionCreate, Reason: "new in the documents"},
		{ID: "JobDefinition/train.fit", Action: reconcile.ActionUpdate, Reason: "changed in the documents", Fields: []reconcile.FieldDiff{
			{Path: "spec.containerProperties.image", Old: raw(`"train:1"`), New: raw(`"train:2"`)},
			{Path: "spec.containerProperties.secrets[name=API].valueFrom", Old: raw(`"(sensitive)"`), New: raw(`"(sensitive)"`), Sensitive: true},
			{Path: "spec.containerProperties.command", Old: long, New: nil},
		}},
		{ID: "StateMachine/train", Action: reconcile.ActionUpdate, Reason: "drifted: definition | roleArn\nchanged outside Sluice", Drift: true, Fields: []reconcile.FieldDiff{
			{Path: `spec.definition.States["Sluice.Input"].Default`, Old: raw(`"a|b"`), New: raw(`"Sluice.NoInput"`)},
			{Path: `tags["sluice.dev/spec-hash"]`, New: raw(`"0123"`)},
		}},
		{ID: "Bucket/models", Action: reconcile.ActionUpdate, Reason: "deletion policy changed in the documents: recorded, no AWS call", RecordOnly: true,
			Fields: []reconcile.FieldDiff{{Path: "deletion", Old: raw(`"delete"`), New: raw(`"retain"`)}}},
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
		{"md", markdownWriter},
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
		{"markdown", markdownWriter, "No changes.\n"},
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

// markdownWriter writes markdown naming a fixed command for the rest.
func markdownWriter(w io.Writer, env string, p reconcile.Plan) error {
	return writePlanMarkdown(w, env, p, "sluice plan --env "+env+" --format text")
}

// TestPlanMarkdownFitsAComment checks that a plan far too large for a
// pull-request comment is cut under GitHub's 65,536-character limit:
// the summary first, every deletion, then the updates with their fields,
// and creations cut, counted, with the command that prints them all.
func TestPlanMarkdownFitsAComment(t *testing.T) {
	const creates, deletes, updates = 5000, 120, 40
	var p reconcile.Plan
	for i := range creates {
		p.Changes = append(p.Changes, reconcile.Change{
			ID:     sluice.ResourceID(fmt.Sprintf("JobDefinition/pipeline-%04d.some-rather-long-step-name", i)),
			Action: reconcile.ActionCreate, Reason: "new in the documents",
		})
	}
	for i := range updates {
		p.Changes = append(p.Changes, reconcile.Change{ID: sluice.ResourceID(fmt.Sprintf("ComputeEnvironment/ce-%03d", i)),
			Action: reconcile.ActionUpdate, Reason: "changed in the documents",
			Fields: []reconcile.FieldDiff{{Path: "spec.computeResources.maxvCpus", Old: json.RawMessage("16"), New: json.RawMessage("64")}}})
	}
	for i := range deletes {
		p.Changes = append(p.Changes, reconcile.Change{ID: sluice.ResourceID(fmt.Sprintf("StateMachine/old-%04d", i)),
			Action: reconcile.ActionDelete, Reason: "gone from the documents"})
	}
	var b bytes.Buffer
	rest := "sluice --repo . plan --env prod --state 'my state.db' --format text"
	if err := writePlanMarkdown(&b, "prod", p, rest); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if len(md) >= 65536 {
		t.Fatalf("markdown is %d characters, over a comment's 65,536", len(md))
	}
	if !strings.HasPrefix(md, "### Sluice plan for `prod`\n\n**5000 to create, 40 to update, 0 to replace, 120 to delete,") {
		t.Errorf("markdown does not start with the summary:\n%s", md[:200])
	}
	if got := strings.Count(md, "**delete**"); got != deletes {
		t.Errorf("%d deletions shown, want all %d", got, deletes)
	}
	if got := strings.Count(md, "<code>spec.computeResources.maxvCpus</code> | <code>16</code> | <code>64</code>"); got != updates {
		t.Errorf("%d updates shown with their field, want all %d", got, updates)
	}
	if d, u, c := strings.Index(md, "#### Deletions"), strings.Index(md, "#### Updates"), strings.Index(md, "#### Creations"); d >= u || u >= c {
		t.Errorf("sections out of order: deletions at %d, updates at %d, creations at %d", d, u, c)
	}
	m := regexp.MustCompile("…and (\\d+) more creations not shown: `([^`]+)` prints them all").FindStringSubmatch(md)
	if m == nil {
		t.Fatalf("markdown does not say creations were cut:\n%s", md[len(md)-300:])
	}
	cut, _ := strconv.Atoi(m[1])
	shown := strings.Count(md, "**create**")
	if shown+cut != creates || shown == 0 || cut == 0 {
		t.Errorf("%d creations shown + %d said cut = %d, want %d with both > 0", shown, cut, shown+cut, creates)
	}
	if m[2] != rest {
		t.Errorf("the cut names the command %q, want %q", m[2], rest)
	}
}

// TestPlanRestCommand: the command a cut markdown plan names is the plan
// command as given, every flag kept but the format (text) and the exit
// code's.
func TestPlanRestCommand(t *testing.T) {
	g := &globalOptions{stdout: io.Discard, stderr: io.Discard}
	root := newRootCmd(g)
	var got string
	root.SetArgs([]string{"--repo", "my repo", "plan", "--env", "prod", "--format", "markdown", "--detailed-exitcode",
		"--ref", "dev", "--refresh=false", "--aws-quota", "SFN.CreateStateMachine=2", "--aws-quota", "S3.PutObject=5"})
	plan, _, err := root.Find([]string{"plan"})
	if err != nil {
		t.Fatal(err)
	}
	plan.RunE = func(cmd *cobra.Command, _ []string) error { got = restCommand(cmd); return nil }
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	want := "sluice --repo 'my repo' plan --aws-quota 'SFN.CreateStateMachine=2' --aws-quota 'S3.PutObject=5' --env prod --ref dev --refresh=false --format text"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
