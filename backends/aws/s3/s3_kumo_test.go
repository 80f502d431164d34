package s3_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// artifactsSpec is the compiler's Bucket spec for an artifact store
// (compile/testdata/kinds.dev.golden.json) without replication, which
// kumo does not support.
const artifactsSpec = `{"Bucket":"churn-dev-artifacts",
"encryption":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"KMSMasterKeyID":"arn:aws:kms:us-east-1:123456789012:key/abcd","SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]},
"lifecycle":{"Rules":[
 {"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1},"Expiration":{"Days":7},"Filter":{"Prefix":"tmp/"},"ID":"tmp","Status":"Enabled"},
 {"Filter":{"Prefix":""},"ID":"archive","NoncurrentVersionExpiration":{"NoncurrentDays":90},"Status":"Enabled",
  "Transitions":[{"Days":30,"StorageClass":"STANDARD_IA"},{"Days":180,"StorageClass":"GLACIER"}]}]},
"publicAccessBlock":{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true},
"versioning":{"Status":"Enabled"}}`

func TestKumoBucketLifecycle(t *testing.T) {
	srv := kumotest.Start(t)
	ctx := context.Background()
	raw := s3.NewFromConfig(srv.Config, kumotest.S3Options)
	client := &counting{Client: raw, calls: map[string]int{}}
	b := s3backend.New(client, kumotest.Region)
	tg := target("churn-dev-artifacts", artifactsSpec)

	obs, err := b.Observe(ctx, tg)
	if err != nil || obs.Exists {
		t.Fatalf("Observe before create = %+v, %v; want not existing", obs, err)
	}
	if _, err := b.Create(ctx, tg); err != nil {
		t.Fatalf("Create: %v", err)
	}
	wantCreate := map[string]int{"CreateBucket": 1, "PutBucketTagging": 1, "PutBucketVersioning": 1,
		"PutBucketEncryption": 1, "PutPublicAccessBlock": 1, "PutBucketLifecycleConfiguration": 1}
	assertCalls(t, "Create", client.puts(), wantCreate)

	obs, err = b.Observe(ctx, tg)
	if err != nil || !obs.Exists {
		t.Fatalf("Observe after create = %+v, %v", obs, err)
	}
	sameJSON(t, obs.Spec, artifactsSpec)
	if obs.ARN != "arn:aws:s3:::churn-dev-artifacts" || !obs.Owned("churn", "dev", tg.ID) || obs.Tags["team"] != "ml" {
		t.Errorf("observation ARN %q tags %v", obs.ARN, obs.Tags)
	}

	// Nothing differs: Update sends nothing.
	if _, err := b.Update(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update with no change", client.puts(), map[string]int{})

	// Only versioning and a tag change: only those two calls.
	changed := target("churn-dev-artifacts", strings.Replace(artifactsSpec, `"versioning":{"Status":"Enabled"}`, `"versioning":{"Status":"Suspended"}`, 1))
	changed.Tags[sluice.TagSpecHash] = "h2"
	if _, err := b.Update(ctx, changed, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update of versioning and tags", client.puts(), map[string]int{"PutBucketVersioning": 1, "PutBucketTagging": 1})
	obs, err = b.Observe(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	sameJSON(t, obs.Spec, string(changed.Spec))
	if obs.Tags[sluice.TagSpecHash] != "h2" {
		t.Errorf("spec-hash tag = %q, want h2", obs.Tags[sluice.TagSpecHash])
	}

	// A lifecycle rule added outside Sluice is drift, reported by ID.
	_, err = raw.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("churn-dev-artifacts"),
		LifecycleConfiguration: mustLifecycle(t, `{"Rules":[{"ID":"extra","Status":"Enabled","Filter":{"Prefix":"x/"},"Expiration":{"Days":3}}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	obs, err = b.Observe(ctx, changed)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(obs.Spec), `"extra"`) || strings.Contains(string(obs.Spec), `"tmp"`) {
		t.Errorf("observed lifecycle should hold the extra rule and not the removed ones: %s", obs.Spec)
	}
	if _, err := b.Update(ctx, changed, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update of drifted lifecycle", client.puts(), map[string]int{"PutBucketLifecycleConfiguration": 1})

	// A bucket with an object is never deleted.
	_, err = raw.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("churn-dev-artifacts"), Key: aws.String("model.bin"), Body: strings.NewReader("w")})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Delete(ctx, changed, obs)
	if d, _ := sluice.RetryOf(err); d != sluice.RetryStalled || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Delete of a non-empty bucket = %v, want a stalled error saying it is not empty", err)
	}
	if obs, err := b.Observe(ctx, changed); err != nil || !obs.Exists {
		t.Fatalf("bucket gone after refused delete: %+v, %v", obs, err)
	}
	if _, err := raw.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("churn-dev-artifacts"), Key: aws.String("model.bin")}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, changed, obs); err != nil {
		t.Fatalf("Delete of an empty bucket: %v", err)
	}
	if obs, err := b.Observe(ctx, changed); err != nil || obs.Exists {
		t.Fatalf("Observe after delete = %+v, %v; want gone", obs, err)
	}
	if err := b.Delete(ctx, changed, obs); err != nil {
		t.Errorf("Delete of a deleted bucket = %v, want nil", err)
	}
}
