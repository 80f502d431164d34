package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var rebuiltRE = regexp.MustCompile(`no state for dev: inventory rebuilt from ownership tags \((\d+) resources\)`)

// TestDiscoverKumo applies the training template with one state file,
// then plans and applies with a new one, as a CI job or a machine that
// lost its state would: the inventory is rebuilt from the ownership tags
// AWS holds, the plan is as empty as with the first file, and the apply
// changes nothing.
//
// The template's MetadataStore is left out: kumo drops the tags given to
// CreateDBInstance, so no DB instance of kumo's carries Sluice's tags
// (TestDiscoverKumoWithDB rebuilds one from the RDS fake, which keeps them).
func TestDiscoverKumo(t *testing.T) {
	w := startAWS(t)
	base, stateA := appliedWithoutDB(t, w)
	stateB := checkRebuild(t, base, stateA, 0)
	// The rebuilt inventory was saved: the next run reads it, rebuilds nothing.
	code, _, errOut := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), stateB...)...)
	if code != exitOK || rebuiltRE.MatchString(errOut) {
		t.Errorf("plan after apply saved the rebuilt inventory (exit %d):\n%s", code, errOut)
	}
}

// checkRebuild plans and applies with a new state file, as a CI job or a
// machine that lost its state would, and checks that the inventory is
// rebuilt from ownership tags (want resources; 0: any number but none),
// that the plan equals the one made with stateA, that the plan writes no
// state file and that the apply changes nothing. It returns the flags of
// the new state file.
func checkRebuild(t *testing.T, base, stateA []string, want int) []string {
	t.Helper()
	stateB := []string{"--env", "dev", "--state", filepath.Join(t.TempDir(), "b.db"), "--prune"}
	planA := mustRun(t, exitOK, append(append(base, "plan", "--detailed-exitcode"), stateA...)...)
	code, planB, errB := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), stateB...)...)
	if code != exitOK {
		t.Fatalf("plan with a new state file has changes (exit %d):\n%s\n%s", code, planB, errB)
	}
	m := rebuiltRE.FindStringSubmatch(errB)
	if m == nil || m[1] == "0" || (want > 0 && m[1] != strconv.Itoa(want)) {
		t.Errorf("plan with a new state file did not rebuild the inventory (want %d resources, 0: any):\n%s", want, errB)
	}
	if planB != planA {
		t.Errorf("plan from the rebuilt inventory differs:\n%s\nfrom the state file's:\n%s", planB, planA)
	}
	if _, err := os.Stat(stateB[3]); err == nil {
		t.Errorf("plan wrote the state file %s", stateB[3])
	}
	code, out, errOut := runCLI(t, append(append(base, "apply"), stateB...)...)
	if code != exitOK || !rebuiltRE.MatchString(errOut) {
		t.Fatalf("apply with a new state file (exit %d):\n%s\n%s", code, out, errOut)
	}
	if n := mutations(t, out); n != "0" {
		t.Errorf("apply from the rebuilt inventory made %s mutating calls:\n%s", n, out)
	}
	return stateB
}

// appliedWithoutDB applies the training template without its
// MetadataStore to dev, and returns the flags that select the repository
// and the target.
func appliedWithoutDB(t *testing.T, w *awsWorld) (base, target []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	stores := filepath.Join(dir, "deploy", "stores.yaml")
	src, err := os.ReadFile(stores)
	if err != nil {
		t.Fatal(err)
	}
	bucketOnly, _, ok := strings.Cut(string(src), "\n---\n")
	if !ok || !strings.Contains(string(src), "kind: MetadataStore") {
		t.Fatal("the training template's stores.yaml no longer ends with the MetadataStore this test drops")
	}
	if err := os.WriteFile(stores, []byte(bucketOnly+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base = []string{"--repo", dir}
	target = []string{"--env", "dev", "--state", filepath.Join(t.TempDir(), "a.db"), "--prune"}
	w.applyUntilDone(t, append(base, target...)...)
	return base, target
}

// TestDiscoverKumoHoldsInvalid loses the state and breaks the pipeline
// document: apply with --prune from the rebuilt inventory holds what the
// pipeline produced (the document each rebuilt resource came from is
// known from its ID) and deletes nothing.
func TestDiscoverKumoHoldsInvalid(t *testing.T) {
	w := startAWS(t)
	dir, base, _ := appliedDemo(t, w, "dev")
	breakPipeline(t, dir)
	fresh := []string{"--env", "dev", "--state", filepath.Join(t.TempDir(), "fresh.db"), "--prune"}
	code, out, errOut := runCLI(t, append(append(base, "apply"), fresh...)...)
	if code != exitInvalid || !rebuiltRE.MatchString(errOut) {
		t.Fatalf("apply with an invalid document and no state: exit %d:\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "hold     StateMachine/training") || !strings.Contains(out, "hold     JobDefinition/training.") ||
		strings.Contains(out, "delete ") {
		t.Errorf("the invalid pipeline's rebuilt resources are not held:\n%s", out)
	}
	if n := mutations(t, out); n != "0" {
		t.Errorf("%s mutating calls while the only change is an invalid document:\n%s", n, out)
	}
}

// TestDiscoverKumoByTags rebuilds with the Resource Groups Tagging API
// reachable (AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API): state
// machines and buckets come from it in one call, the rest from their
// services, and the plan is as empty as with the state file (kumo's DB
// instance left out, as in TestDiscoverKumo). The endpoint answers from
// the tags the services hold, so that it answers as AWS would for the
// same account.
func TestDiscoverKumoByTags(t *testing.T) {
	w := startAWS(t)
	base, stateA := appliedWithoutDB(t, w)
	tags := w.startTagging(t)

	planA := mustRun(t, exitOK, append(append(base, "plan", "--detailed-exitcode"), stateA...)...)
	stateB := []string{"--env", "dev", "--state", filepath.Join(t.TempDir(), "b.db"), "--prune"}
	code, planB, errB := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), stateB...)...)
	if code != exitOK || planB != planA || !rebuiltRE.MatchString(errB) {
		t.Errorf("plan from tags (exit %d):\n%s%s\nwant as from the state file:\n%s", code, errB, planB, planA)
	}
	// One request finds the resources to rebuild; each plan's drift check
	// reads the state machines' tags with one more, the same request
	// both times (a retry of the SDK's would be the same request again).
	if n, d := tags.Calls(), tags.Distinct(); n < 3 || d != 2 {
		t.Errorf("GetResources calls = %d, %d different; want 3, 2 different (a rebuild, and a read of the tags in each of two plans)", n, d)
	}
}
