package local_test

import (
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
)

// TestJobDefinitionRevisions checks that job definitions are immutable
// revisions: an unchanged definition registers nothing, a changed one a
// new revision, the newest three stay ACTIVE, and delete deregisters.
func TestJobDefinitionRevisions(t *testing.T) {
	w := mustWorld(t, local.Options{})
	b := backend(t, w, sluice.TypeJobDefinition)
	arnOf := func(rev string) string {
		return "arn:aws:batch:local:000000000000:job-definition/churn-dev-step:" + rev
	}
	tg := target(sluice.TypeJobDefinition, "train.fit", "churn-dev-step", jobDefSpec([]string{"echo", "1"}, "1", nil))
	obs := mustCreate(t, b, tg)
	if obs.ARN != arnOf("1") || obs.Status != "ACTIVE" {
		t.Fatalf("created %s %s, want revision 1 ACTIVE", obs.ARN, obs.Status)
	}
	same := tg
	same.Spec = []byte(jobDefSpec([]string{"echo", "1"}, "1", nil))
	same.Tags["extra"] = "tag"
	if obs, err := b.Update(t.Context(), same, obs); err != nil || obs.ARN != arnOf("1") || obs.Tags["extra"] != "tag" {
		t.Fatalf("update without change: %v, %+v; want revision 1 retagged", err, obs)
	}
	for i, cmd := range []string{"2", "3", "4"} {
		next := tg
		next.Spec = []byte(jobDefSpec([]string{"echo", cmd}, "1", nil))
		got, err := b.Update(t.Context(), next, obs)
		if err != nil {
			t.Fatal(err)
		}
		if want := arnOf(cmd); got.ARN != want {
			t.Fatalf("update %d registered %s, want %s", i, got.ARN, want)
		}
		if seen := mustObserve(t, b, next); seen.ARN != got.ARN || !strings.Contains(string(seen.Spec), `"echo","`+cmd) {
			t.Fatalf("observed %s %s, want the newest revision", seen.ARN, seen.Spec)
		}
		obs = got
	}
	if err := b.Delete(t.Context(), tg, obs); err != nil {
		t.Fatal(err)
	}
	if seen := mustObserve(t, b, tg); seen.Exists {
		t.Fatalf("observed %+v after every revision was deregistered", seen)
	}
	again := mustCreate(t, b, tg)
	if again.ARN != arnOf("5") {
		t.Errorf("re-created as %s, want revision 5 (numbers are never reused)", again.ARN)
	}
}
