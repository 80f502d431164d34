package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice/internal/kumotest"
)

// editFile replaces each old string of a file of the repository dir
// (a path relative to it) by its new one, failing when the file no
// longer holds it.
func editFile(t testing.TB, dir, file string, oldNew ...string) {
	t.Helper()
	path := filepath.Join(dir, file)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !strings.Contains(text, oldNew[i]) {
			t.Fatalf("%s no longer holds %q, which this test edits", file, oldNew[i])
		}
		text = strings.Replace(text, oldNew[i], oldNew[i+1], 1)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLeftOutKumo removes fields from the training template's documents
// after applying it, and checks through the CLI that the plan shows the
// changes (and notes for what Sluice leaves as it is), that the apply
// converges with an empty plan after it, and that AWS holds what leaving
// each field out means: no lifecycle configuration, versioning
// suspended, job definitions without a timeout.
func TestLeftOutKumo(t *testing.T) {
	w := startAWS(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "demo")
	mustRun(t, exitOK, "init", "--template", "training", dir)
	state := filepath.Join(t.TempDir(), "state.db")
	args := []string{"--repo", dir, "--env", "dev", "--state", state}
	w.applyUntilDone(t, args...)

	editFile(t, dir, "deploy/stores.yaml",
		"  versioning: true\n", "",
		"  lifecycle:\n    - name: old-versions\n      noncurrentExpireAfterDays: 30\n      abortUploadsAfterDays: 7\n    - name: cool-down\n      transitions:\n        - afterDays: 60\n          storageClass: STANDARD_IA\n", "",
		"    lifecycle:\n      - name: expire-dev-runs\n        expireAfterDays: 14\n", "")
	editFile(t, dir, "deploy/compute.yaml", "  spotBidPercentage: 100\n", "")
	editPipeline(t, dir, "  timeout: 1h\n", "")
	editFile(t, dir, "sluice.yaml", "    timeout: 1h\n", "")

	planOut := mustRun(t, exitOK, append([]string{"plan"}, args...)...)
	for _, want := range []string{"update   Bucket/artifacts", "update   ComputeEnvironment/gpu-spot", "note: spotBidPercentage left out"} {
		if !strings.Contains(planOut, want) {
			t.Errorf("plan lacks %q:\n%s", want, planOut)
		}
	}
	w.applyUntilDone(t, args...)
	if code, out, _ := runCLI(t, append([]string{"plan", "--detailed-exitcode"}, args...)...); code != exitOK {
		t.Errorf("plan after applying the removals has changes (exit %d):\n%s", code, out)
	}

	s3c := s3.NewFromConfig(w.kumo.Config, kumotest.S3Options)
	buckets, err := s3c.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil || len(buckets.Buckets) != 1 {
		t.Fatalf("ListBuckets = %+v, %v; want the artifact store's bucket", buckets, err)
	}
	bucket := buckets.Buckets[0].Name
	if _, err := s3c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bucket}); err == nil || !strings.Contains(err.Error(), "NoSuchLifecycleConfiguration") {
		t.Errorf("lifecycle of %s after every rule was removed: %v, want NoSuchLifecycleConfiguration", aws.ToString(bucket), err)
	}
	if v, err := s3c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket}); err != nil || v.Status != "Suspended" {
		t.Errorf("versioning after it was removed: %+v, %v; want Suspended", v, err)
	}

	jds, err := w.batch.Client().DescribeJobDefinitions(ctx, &awsbatch.DescribeJobDefinitionsInput{Status: aws.String("ACTIVE")})
	if err != nil {
		t.Fatal(err)
	}
	latest := map[string]int32{}
	timeouts := map[string]bool{}
	for _, d := range jds.JobDefinitions {
		name := aws.ToString(d.JobDefinitionName)
		if r := aws.ToInt32(d.Revision); r > latest[name] {
			latest[name], timeouts[name] = r, d.Timeout != nil
		}
	}
	without := 0
	for name, has := range timeouts {
		if !has {
			without++
		} else if !strings.Contains(name, "train") {
			t.Errorf("job definition %s keeps a timeout after the pipeline's was removed", name)
		}
	}
	if without == 0 {
		t.Errorf("every job definition keeps a timeout: %v", timeouts)
	}

	// The MetadataStore's removals are planned with their note. kumo
	// drops an instance's tags at create, so its update is refused as
	// not Sluice's there: the RDS fake's tests (backends/aws/rds) apply
	// them.
	editFile(t, dir, "deploy/stores.yaml", "  maxStorageGiB: 100\n", "", "  storageType: gp3\n", "")
	planOut = mustRun(t, exitOK, append([]string{"plan"}, args...)...)
	for _, want := range []string{"update   DBInstance/metadata", "note: storageType left out"} {
		if !strings.Contains(planOut, want) {
			t.Errorf("plan lacks %q:\n%s", want, planOut)
		}
	}
}
