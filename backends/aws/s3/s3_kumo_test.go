package s3_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
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

// target returns a Bucket target with Sluice's ownership tags.
func target(name, spec string) sluice.Target {
	id := sluice.ResourceID("Bucket/" + name)
	return sluice.Target{Resource: sluice.Resource{
		ID: id, Type: sluice.TypeBucket, Name: name, Spec: json.RawMessage(spec),
		Tags: map[string]string{
			sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "churn",
			sluice.TagEnvironment: "dev", sluice.TagResource: string(id), sluice.TagSpecHash: "h1", "team": "ml",
		}}}
}

// counting wraps a Client and counts the calls of each operation.
type counting struct {
	s3backend.Client
	mu    sync.Mutex
	calls map[string]int
}

func (c *counting) count(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[op]++
}

func (c *counting) puts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for op, n := range c.calls {
		if strings.HasPrefix(op, "Put") || strings.HasPrefix(op, "Create") || strings.HasPrefix(op, "Delete") {
			out[op] = n
		}
	}
	c.calls = map[string]int{}
	return out
}

func (c *counting) CreateBucket(ctx context.Context, in *s3.CreateBucketInput, o ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	c.count("CreateBucket")
	return c.Client.CreateBucket(ctx, in, o...)
}

func (c *counting) PutBucketTagging(ctx context.Context, in *s3.PutBucketTaggingInput, o ...func(*s3.Options)) (*s3.PutBucketTaggingOutput, error) {
	c.count("PutBucketTagging")
	return c.Client.PutBucketTagging(ctx, in, o...)
}

func (c *counting) PutBucketVersioning(ctx context.Context, in *s3.PutBucketVersioningInput, o ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	c.count("PutBucketVersioning")
	return c.Client.PutBucketVersioning(ctx, in, o...)
}

func (c *counting) PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, o ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	c.count("PutBucketEncryption")
	return c.Client.PutBucketEncryption(ctx, in, o...)
}

func (c *counting) PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, o ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	c.count("PutPublicAccessBlock")
	return c.Client.PutPublicAccessBlock(ctx, in, o...)
}

func (c *counting) PutBucketLifecycleConfiguration(ctx context.Context, in *s3.PutBucketLifecycleConfigurationInput, o ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error) {
	c.count("PutBucketLifecycleConfiguration")
	return c.Client.PutBucketLifecycleConfiguration(ctx, in, o...)
}

func (c *counting) DeleteBucket(ctx context.Context, in *s3.DeleteBucketInput, o ...func(*s3.Options)) (*s3.DeleteBucketOutput, error) {
	c.count("DeleteBucket")
	return c.Client.DeleteBucket(ctx, in, o...)
}

// sameJSON fails the test unless got and want mean the same JSON value.
func sameJSON(t *testing.T, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("observed spec %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if string(gb) != string(wb) {
		t.Errorf("observed spec\n got %s\nwant %s", gb, wb)
	}
}

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

func assertCalls(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: calls %v, want %v", what, got, want)
		return
	}
	for op, n := range want {
		if got[op] != n {
			t.Errorf("%s: calls %v, want %v", what, got, want)
			return
		}
	}
}
