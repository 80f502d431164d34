package s3_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/reconcile"
)

// leftOutSpec is the compiler's Bucket spec for an ArtifactStore that
// leaves versioning, encryption, the public-access block and replication
// out, with three lifecycle rules.
const leftOutSpec = `{"Bucket":"churn-dev-lean",
"encryption":{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]},
"lifecycle":{"Rules":[
 {"AbortIncompleteMultipartUpload":null,"Expiration":{"Days":7},"Filter":{"Prefix":"tmp/"},"ID":"tmp","NoncurrentVersionExpiration":null,"Status":"Enabled","Transitions":null},
 {"AbortIncompleteMultipartUpload":null,"Expiration":{"Days":30},"Filter":{"Prefix":"logs/"},"ID":"logs","NoncurrentVersionExpiration":null,"Status":"Enabled","Transitions":null},
 {"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1},"Expiration":null,"Filter":{"Prefix":""},"ID":"uploads","NoncurrentVersionExpiration":null,"Status":"Enabled",
  "Transitions":[{"Days":30,"StorageClass":"STANDARD_IA"}]}]},
"publicAccessBlock":{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true},
"replication":null,
"versioning":{"Status":"Suspended"}}`

// withKey returns spec with key set to the JSON value raw.
func withKey(t *testing.T, spec, key, raw string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(spec), &m); err != nil {
		t.Fatal(err)
	}
	m[key] = json.RawMessage(raw)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// converged observes tg and fails unless what S3 holds means tg's spec
// (null and absent alike, as plans compare), then checks that Update
// sends nothing.
func converged(t *testing.T, b *s3backend.Backend, client *counting, tg sluice.Target) sluice.Observation {
	t.Helper()
	ctx := context.Background()
	obs, err := b.Observe(ctx, tg)
	if err != nil || !obs.Exists {
		t.Fatalf("Observe = %+v, %v", obs, err)
	}
	if !reconcile.SameJSON(obs.Spec, tg.Spec) {
		t.Fatalf("S3 holds\n %s\nwant\n %s", obs.Spec, tg.Spec)
	}
	client.puts()
	if _, err := b.Update(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update of a converged bucket", client.puts(), map[string]int{})
	return obs
}

// TestKumoLeftOutFields sets fields of a bucket, removes them and checks
// that S3 holds what leaving them out means: lifecycle rules removed one
// by one and then all (DeleteBucketLifecycle), versioning suspended.
func TestKumoLeftOutFields(t *testing.T) {
	srv := kumotest.Start(t)
	ctx := context.Background()
	raw := s3.NewFromConfig(srv.Config, kumotest.S3Options)
	client := &counting{Client: raw, calls: map[string]int{}}
	b := s3backend.New(client, kumotest.Region)

	tg := target("churn-dev-lean", leftOutSpec)
	if _, err := b.Create(ctx, tg); err != nil {
		t.Fatalf("Create: %v", err)
	}
	// A new bucket is unversioned and has no replication: neither is written.
	assertCalls(t, "Create", client.puts(), map[string]int{"CreateBucket": 1, "PutBucketTagging": 1,
		"PutBucketEncryption": 1, "PutPublicAccessBlock": 1, "PutBucketLifecycleConfiguration": 1})
	obs := converged(t, b, client, tg)

	steps := []struct {
		name      string
		key, raw  string
		wantCalls map[string]int
	}{
		{"one rule of three removed", "lifecycle", `{"Rules":[
 {"AbortIncompleteMultipartUpload":null,"Expiration":{"Days":7},"Filter":{"Prefix":"tmp/"},"ID":"tmp","NoncurrentVersionExpiration":null,"Status":"Enabled","Transitions":null},
 {"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1},"Expiration":null,"Filter":{"Prefix":""},"ID":"uploads","NoncurrentVersionExpiration":null,"Status":"Enabled",
  "Transitions":[{"Days":30,"StorageClass":"STANDARD_IA"}]}]}`,
			map[string]int{"PutBucketLifecycleConfiguration": 1}},
		{"an action removed from a rule", "lifecycle", `{"Rules":[
 {"AbortIncompleteMultipartUpload":null,"Expiration":{"Days":7},"Filter":{"Prefix":"tmp/"},"ID":"tmp","NoncurrentVersionExpiration":null,"Status":"Enabled","Transitions":null},
 {"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":1},"Expiration":null,"Filter":{"Prefix":""},"ID":"uploads","NoncurrentVersionExpiration":null,"Status":"Enabled","Transitions":null}]}`,
			map[string]int{"PutBucketLifecycleConfiguration": 1}},
		{"every rule removed", "lifecycle", `null`, map[string]int{"DeleteBucketLifecycle": 1}},
		{"versioning set", "versioning", `{"Status":"Enabled"}`, map[string]int{"PutBucketVersioning": 1}},
		{"versioning left out again", "versioning", `{"Status":"Suspended"}`, map[string]int{"PutBucketVersioning": 1}},
		{"kms encryption set", "encryption", `{"Rules":[{"ApplyServerSideEncryptionByDefault":{"KMSMasterKeyID":"alias/ml","SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]}`,
			map[string]int{"PutBucketEncryption": 1}},
		{"encryption left out again: sse-s3", "encryption", `{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}`,
			map[string]int{"PutBucketEncryption": 1}},
		{"public access allowed", "publicAccessBlock", `{"BlockPublicAcls":false,"BlockPublicPolicy":false,"IgnorePublicAcls":false,"RestrictPublicBuckets":false}`,
			map[string]int{"PutPublicAccessBlock": 1}},
		{"public-access block left out again: blocked", "publicAccessBlock", `{"BlockPublicAcls":true,"BlockPublicPolicy":true,"IgnorePublicAcls":true,"RestrictPublicBuckets":true}`,
			map[string]int{"PutPublicAccessBlock": 1}},
	}
	spec := leftOutSpec
	for _, s := range steps {
		spec = withKey(t, spec, s.key, s.raw)
		tg = target("churn-dev-lean", spec)
		if _, err := b.Update(ctx, tg, obs); err != nil {
			t.Fatalf("%s: Update: %v", s.name, err)
		}
		assertCalls(t, s.name, client.puts(), s.wantCalls)
		obs = converged(t, b, client, tg)
	}

	_, err := raw.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("churn-dev-lean")})
	if err == nil || !strings.Contains(err.Error(), "NoSuchLifecycleConfiguration") {
		t.Errorf("GetBucketLifecycleConfiguration after every rule was removed = %v, want NoSuchLifecycleConfiguration", err)
	}
	v, err := raw.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("churn-dev-lean")})
	if err != nil || v.Status != "Suspended" {
		t.Errorf("versioning after it was left out = %q, %v; want Suspended", v.Status, err)
	}
	enc, err := raw.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("churn-dev-lean")})
	if err != nil || len(enc.ServerSideEncryptionConfiguration.Rules) != 1 ||
		enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm != "AES256" {
		t.Errorf("encryption after it was left out = %+v, %v; want sse-s3 (AES256)", enc, err)
	}

	// A user tag removed from the document is removed from the bucket.
	delete(tg.Tags, "team")
	if _, err := b.Update(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update without the user tag", client.puts(), map[string]int{"PutBucketTagging": 1})
	tags, err := raw.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String("churn-dev-lean")})
	if err != nil {
		t.Fatal(err)
	}
	for _, tag := range tags.TagSet {
		if aws.ToString(tag.Key) == "team" {
			t.Errorf("tag team left on the bucket after it was removed: %v", tags.TagSet)
		}
	}
	converged(t, b, client, tg)

	// A rule added by hand to a bucket whose document has none is drift,
	// and the next update removes it.
	_, err = raw.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("churn-dev-lean"),
		LifecycleConfiguration: mustLifecycle(t, `{"Rules":[{"ID":"by-hand","Status":"Enabled","Filter":{"Prefix":""},"Expiration":{"Days":1}}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	obs, err = b.Observe(ctx, tg)
	if err != nil || reconcile.SameJSON(obs.Spec, tg.Spec) || !strings.Contains(string(obs.Spec), "by-hand") {
		t.Fatalf("a rule added by hand is not seen: %s, %v", obs.Spec, err)
	}
	if _, err := b.Update(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update of a hand-added rule", client.puts(), map[string]int{"DeleteBucketLifecycle": 1})
	converged(t, b, client, tg)
}

// TestLeftOutReplication removes the replication of a bucket (the fake:
// kumo's DeleteBucketReplication deletes the bucket).
func TestLeftOutReplication(t *testing.T) {
	ctx := context.Background()
	fake, url := startFakeS3(t)
	client := &counting{Client: fakeClient(url), calls: map[string]int{}}
	b := s3backend.New(client, "us-east-1")
	tg := target("churn-dev-artifacts", replicatedSpec)
	if _, err := b.Create(ctx, tg); err != nil {
		t.Fatalf("Create: %v", err)
	}
	obs := converged(t, b, client, tg)

	// The copies' storage class left out: the source object's class.
	tg = target("churn-dev-artifacts", strings.Replace(replicatedSpec, `"StorageClass":"STANDARD_IA"`, `"StorageClass":null`, 1))
	if _, err := b.Update(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update without a storage class", client.puts(), map[string]int{"PutBucketReplication": 1})
	obs = converged(t, b, client, tg)
	fake.mu.Lock()
	class := fake.buckets["churn-dev-artifacts"].replication.Rules[0].Destination.StorageClass
	fake.mu.Unlock()
	if class != "" {
		t.Errorf("replication storage class after it was left out = %q, want none", class)
	}

	tg = target("churn-dev-artifacts", withKey(t, replicatedSpec, "replication", "null"))
	if _, err := b.Update(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	assertCalls(t, "Update without replication", client.puts(), map[string]int{"DeleteBucketReplication": 1})
	converged(t, b, client, tg)
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if b := fake.buckets["churn-dev-artifacts"]; b == nil || b.replication != nil {
		t.Errorf("fake bucket after replication was left out: %+v, want it without replication", b)
	}
}
