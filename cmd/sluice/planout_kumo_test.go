package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluice-dev/sluice"
)

// onlyBucket returns the name of the one bucket kumo holds.
func (w *awsWorld) onlyBucket(t *testing.T) (*s3.Client, string) {
	t.Helper()
	c := s3.NewFromConfig(w.kumo.Config, func(o *s3.Options) { o.UsePathStyle = true })
	out, err := c.ListBuckets(context.Background(), &s3.ListBucketsInput{})
	if err != nil || len(out.Buckets) != 1 {
		t.Fatalf("buckets: %v, %+v; want one", err, out)
	}
	return c, aws.ToString(out.Buckets[0].Name)
}

// TestPlanKumoDriftWithoutState changes the artifact bucket by hand
// (versioning suspended, then its spec-hash tag removed): a plan shows
// the drift field by field both with the state file and with none (the
// inventory rebuilt from ownership tags, as in CI), and an apply from a
// rebuilt inventory repairs it.
func TestPlanKumoDriftWithoutState(t *testing.T) {
	w := startAWS(t)
	base, stateA := appliedWithoutDB(t, w)
	c, bucket := w.onlyBucket(t)
	ctx := context.Background()
	if _, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: &bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusSuspended}}); err != nil {
		t.Fatal(err)
	}
	const field = `spec.versioning.Status: "Suspended" → "Enabled"`
	fresh := func() []string {
		return []string{"--env", "dev", "--state", filepath.Join(t.TempDir(), "none.db"), "--prune"}
	}
	for name, flags := range map[string][]string{"with the state file": stateA, "without": fresh()} {
		code, out, errOut := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), flags...)...)
		if code != 2 || !strings.Contains(out, "update   Bucket/artifacts (drifted") || !strings.Contains(out, field) {
			t.Errorf("plan %s (exit %d) does not show the bucket's drift %q:\n%s\n%s", name, code, field, out, errOut)
		}
	}

	tags, err := c.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: &bucket})
	if err != nil {
		t.Fatal(err)
	}
	var kept []s3types.Tag
	for _, tag := range tags.TagSet {
		if aws.ToString(tag.Key) != sluice.TagSpecHash {
			kept = append(kept, tag)
		}
	}
	if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: &bucket, Tagging: &s3types.Tagging{TagSet: kept}}); err != nil {
		t.Fatal(err)
	}
	_, out, _ := runCLI(t, append(append(base, "plan"), stateA...)...)
	if !strings.Contains(out, `tags["sluice.dev/spec-hash"]: (not set) → "`) {
		t.Errorf("plan with the state file does not show the removed spec-hash tag:\n%s", out)
	}
	_, out, _ = runCLI(t, append(append(base, "plan"), fresh()...)...)
	if !strings.Contains(out, "update   Bucket/artifacts (the spec it was last applied with is unknown") {
		t.Errorf("plan without the state file does not update the bucket whose spec-hash tag matches nothing:\n%s", out)
	}

	stateB := fresh()
	w.applyUntilDone(t, append(base, stateB...)...)
	for name, flags := range map[string][]string{"the rebuilt state file": stateB, "none": fresh()} {
		if code, out, errOut := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), flags...)...); code != exitOK {
			t.Errorf("plan with %s after the repair has changes (exit %d):\n%s\n%s", name, code, out, errOut)
		}
	}
}

// TestApplyKumoRecordsDeletionPolicy switches dev's artifact store from
// deletionPolicy delete to the default (retain) by removing the line:
// the plan says so as an update of the field deletion, the apply records
// it without an AWS mutation, and removing the document later retains
// the bucket even with --prune.
func TestApplyKumoRecordsDeletionPolicy(t *testing.T) {
	w := startAWS(t)
	dir, base, target := appliedDemo(t, w, "dev")
	stores := filepath.Join(dir, "deploy", "stores.yaml")
	src, err := os.ReadFile(stores)
	if err != nil {
		t.Fatal(err)
	}
	const line = "        expireAfterDays: 14\n    deletionPolicy: delete\n"
	if !strings.Contains(string(src), line) {
		t.Fatalf("the training template no longer sets dev's deletionPolicy: delete as this test expects:\n%s", src)
	}
	if err := os.WriteFile(stores, []byte(strings.Replace(string(src), line, "        expireAfterDays: 14\n", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	plan := mustRun(t, exitOK, append(append(base, "plan"), target...)...)
	if !strings.Contains(plan, "1 to update") || !strings.Contains(plan, "update   Bucket/artifacts") || !strings.Contains(plan, `deletion: "delete" → "retain"`) {
		t.Fatalf("plan does not show the deletion policy change:\n%s", plan)
	}
	out := mustRun(t, exitOK, append(append(base, "apply"), target...)...)
	if n := mutations(t, out); n != "0" {
		t.Errorf("recording a deletion policy made %s mutating calls:\n%s", n, out)
	}
	if got := inventory(t, target[3])["Bucket/artifacts"].Deletion; got != sluice.DeletionRetain {
		t.Fatalf("the state file records deletion %q, want retain", got)
	}
	if code, out, _ := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), target...)...); code != exitOK {
		t.Errorf("the recorded policy is planned again:\n%s", out)
	}
	if err := os.Remove(stores); err != nil {
		t.Fatal(err)
	}
	_, out, _ = runCLI(t, append(append(base, "apply"), target...)...)
	if !strings.Contains(out, "retain   Bucket/artifacts") || strings.Contains(out, "delete   Bucket/artifacts") {
		t.Errorf("removing the store's document does not retain the bucket:\n%s", out)
	}
	w.onlyBucket(t)
}
