package s3_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
)

func mustLifecycle(t *testing.T, js string) *types.BucketLifecycleConfiguration {
	t.Helper()
	var cfg types.BucketLifecycleConfiguration
	if err := json.Unmarshal([]byte(js), &cfg); err != nil {
		t.Fatal(err)
	}
	return &cfg
}

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

func (c *counting) PutBucketReplication(ctx context.Context, in *s3.PutBucketReplicationInput, o ...func(*s3.Options)) (*s3.PutBucketReplicationOutput, error) {
	c.count("PutBucketReplication")
	return c.Client.PutBucketReplication(ctx, in, o...)
}

func (c *counting) DeleteBucketLifecycle(ctx context.Context, in *s3.DeleteBucketLifecycleInput, o ...func(*s3.Options)) (*s3.DeleteBucketLifecycleOutput, error) {
	c.count("DeleteBucketLifecycle")
	return c.Client.DeleteBucketLifecycle(ctx, in, o...)
}

func (c *counting) DeleteBucketReplication(ctx context.Context, in *s3.DeleteBucketReplicationInput, o ...func(*s3.Options)) (*s3.DeleteBucketReplicationOutput, error) {
	c.count("DeleteBucketReplication")
	return c.Client.DeleteBucketReplication(ctx, in, o...)
}
