package daemon

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./daemon -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (check, then -update):\n%s", path, got)
	}
}

func TestCommitLink(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tt := range []struct{ url, want string }{
		{"https://github.com/acme/ml.git", "https://github.com/acme/ml/commit/" + rev},
		{"https://x-access-token:SECRET@github.com/acme/ml", "https://github.com/acme/ml/commit/" + rev},
		{"git@github.com:acme/ml.git", "https://github.com/acme/ml/commit/" + rev},
		{"ssh://git@gitlab.com/group/sub/ml.git", "https://gitlab.com/group/sub/ml/-/commit/" + rev},
		{"https://GitLab.com/group/ml/", "https://gitlab.com/group/ml/-/commit/" + rev},
		{"https://git.example.com/acme/ml.git", ""},
		{"file:///srv/git/ml.git", ""},
		{"https://github.com/acme", ""},
		{"/srv/git/ml.git", ""},
	} {
		if got := commitLink(tt.url, rev); got != tt.want {
			t.Errorf("commitLink(%q) = %q, want %q", tt.url, got, tt.want)
		}
		if strings.Contains(commitLink(tt.url, rev), "SECRET") {
			t.Errorf("the link to %q holds the URL's credentials", tt.url)
		}
	}
	if got := commitLink("https://github.com/acme/ml", "main"); got != "" {
		t.Errorf("a branch name got a commit link %q", got)
	}
}

// testRun is a run with a foreach step's three copies, one retried,
// and a failed step.
func testRun() Run {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	steps := []sluice.StepRun{
		{State: "prepare", Status: "SUCCEEDED", Started: at(0), Stopped: at(4)},
		{State: "train", Path: "merge.foreach/0/train", Status: "SUCCEEDED", Started: at(4.5), Stopped: at(20)},
		{State: "train", Path: "merge.foreach/1/train", Status: "FAILED", Attempt: 1, Started: at(4.5), Stopped: at(9), Error: "States.TaskFailed"},
		{State: "train", Path: "merge.foreach/1/train", Status: "SUCCEEDED", Attempt: 2, Started: at(10), Stopped: at(24)},
		{State: "pick", Status: "FAILED", Started: at(25), Stopped: at(27), Error: "States.TaskFailed"},
	}
	return Run{Environment: "dev", Pipeline: "training", Execution: sluice.Execution{Name: "r<1>", Status: "FAILED",
		Started: t0, Stopped: at(28), Steps: steps, Input: json.RawMessage(`{"parameters":{"alphas":[1,2]}}`)}}
}

func TestGantt(t *testing.T) {
	got := gantt(testRun(), time.Time{}, nil)
	golden(t, "gantt.svg", got)
	for _, want := range []string{"merge.foreach/1/train (attempt 2)", "r&lt;1&gt;", `<g class="bar bad">`, ">28 s</text>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	if gantt(Run{}, time.Time{}, nil) != "" {
		t.Error("a run without steps has a timeline")
	}
}

// TestStepStatuses: a step retried to success is succeeded; a step with
// one failed copy is failed.
func TestStepStatuses(t *testing.T) {
	got := stepStatuses(testRun())
	want := map[string]string{"prepare": "SUCCEEDED", "train": "SUCCEEDED", "pick": "FAILED"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("step %s: %s, want %s", k, got[k], v)
		}
	}
	r := testRun()
	r.Steps = r.Steps[:3]
	if s := stepStatuses(r)["train"]; s != "FAILED" {
		t.Errorf("a step with a failed copy and no retry yet: %s, want FAILED", s)
	}
	if p := runParameters(r.Input); !strings.Contains(p, `"alphas"`) || strings.Contains(p, "parameters") {
		t.Errorf("parameters %q", p)
	}
}

// TestPlanFragment renders the plan part of the pages for a plan with
// every kind of change; the golden file is what a reviewer reads.
func TestPlanFragment(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	p := reconcile.Plan{Unchanged: 3, Changes: []reconcile.Change{
		{ID: "StateMachine/training", Action: reconcile.ActionUpdate, Reason: "spec changed", Fields: []reconcile.FieldDiff{
			{Path: "spec.definition.States.train.TimeoutSeconds", Old: json.RawMessage("3600"), New: json.RawMessage("7200")},
			{Path: `tags["team"]`, New: json.RawMessage(`"ml<ops>"`)},
		}},
		{ID: "ComputeEnvironment/gpu", Action: reconcile.ActionUpdate, Drift: true, Reason: "changed outside Sluice", Fields: []reconcile.FieldDiff{
			{Path: "spec.computeResources.maxvCpus", Old: json.RawMessage("64"), New: json.RawMessage("16")}}},
		{ID: "Bucket/old", Action: reconcile.ActionDelete, Reason: "gone from the documents"},
		{ID: "JobQueue/cpu", Action: reconcile.ActionCreate, Reason: "new in the documents"},
	}}
	var b bytes.Buffer
	if err := pages["plan"].ExecuteTemplate(&b, "plan", PendingPlan{Plan: p}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	golden(t, "plan-fragment.html", got)
	for _, want := range []string{"1 to create, 2 to update, 0 to replace, 1 to delete, 0 retained, 0 held, 3 unchanged",
		"Deletions and replacements (1)", "Updates (2)", "Creations (1)", "&#34;ml&lt;ops&gt;&#34;", "(not set)", `<span class="badge warn">drift</span>`} {
		if !strings.Contains(got, want) {
			t.Errorf("the plan lacks %q", want)
		}
	}
	if strings.Index(got, "Deletions") > strings.Index(got, "Updates") {
		t.Error("deletions come after updates")
	}
}
