package tagging_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/tagging"
)

func owned(project, env, id string) map[string]string {
	return map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: project,
		sluice.TagEnvironment: env, sluice.TagResource: id, sluice.TagSpecHash: "h1"}
}

func machine(name string) string {
	return "arn:aws:states:us-east-1:000000000000:stateMachine:" + name
}

func client(url string) *rgt.Client {
	cfg := aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return rgt.NewFromConfig(cfg, func(o *rgt.Options) { o.BaseEndpoint = aws.String(url) })
}

// TestDiscover finds, over two pages, the state machines and buckets
// tagged for churn/dev, and nothing of another project, environment or
// type, nor untagged.
func TestDiscover(t *testing.T) {
	var resources []fakeResource
	var want []string
	for i := range 120 {
		arn := machine(fmt.Sprintf("churn-dev-p%03d", i))
		resources = append(resources, fakeResource{arn, owned("churn", "dev", fmt.Sprintf("StateMachine/p%03d", i))})
		want = append(want, arn)
	}
	bucket := owned("churn", "dev", "Bucket/artifacts")
	bucket["aws:cloudformation:stack-name"] = "x"
	resources = append(resources,
		fakeResource{"arn:aws:s3:::churn-dev-artifacts", bucket},
		fakeResource{machine("churn-prod-p"), owned("churn", "prod", "StateMachine/p")},
		fakeResource{machine("other-dev-p"), owned("other", "dev", "StateMachine/p")},
		fakeResource{machine("untagged"), map[string]string{"team": "ml"}},
		fakeResource{"arn:aws:rds:us-east-1:000000000000:db:churn-dev-metadata", owned("churn", "dev", "DBInstance/metadata")},
	)
	want = append(want, "arn:aws:s3:::churn-dev-artifacts")
	f, url := startFake(t, resources...)
	found, err := tagging.New(client(url), tagging.TypeStateMachine, tagging.TypeBucket).Discover(context.Background(), "churn", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range found {
		if !o.Exists || o.Tags[sluice.TagSpecHash] != "h1" || o.Tags["aws:cloudformation:stack-name"] != "" {
			t.Errorf("found %+v: want it existing, with its tags but no aws: ones", o)
		}
		got = append(got, o.ARN)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("discovered %d resources, want %d:\n%v", len(got), len(want), got)
	}
	if f.calls != 2 {
		t.Errorf("GetResources calls = %d, want 2 pages", f.calls)
	}
}

// TestDiscoverDenied: without tag:GetResources a person must act.
func TestDiscoverDenied(t *testing.T) {
	f, url := startFake(t)
	f.deny = true
	_, err := tagging.New(client(url), tagging.TypeBucket).Discover(context.Background(), "churn", "dev")
	if d, _ := sluice.RetryOf(err); err == nil || d != sluice.RetryStalled {
		t.Errorf("Discover without access = %v (%v), want a stalled error", err, d)
	}
}
