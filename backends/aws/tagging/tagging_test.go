package tagging_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/tagging"
	"github.com/sluice-dev/sluice/internal/taggingfake"
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
	var resources []taggingfake.Resource
	var want []string
	for i := range 120 {
		arn := machine(fmt.Sprintf("churn-dev-p%03d", i))
		resources = append(resources, taggingfake.Resource{ARN: arn, Tags: owned("churn", "dev", fmt.Sprintf("StateMachine/p%03d", i))})
		want = append(want, arn)
	}
	bucket := owned("churn", "dev", "Bucket/artifacts")
	bucket["aws:cloudformation:stack-name"] = "x"
	resources = append(resources,
		taggingfake.Resource{ARN: "arn:aws:s3:::churn-dev-artifacts", Tags: bucket},
		taggingfake.Resource{ARN: machine("churn-prod-p"), Tags: owned("churn", "prod", "StateMachine/p")},
		taggingfake.Resource{ARN: machine("other-dev-p"), Tags: owned("other", "dev", "StateMachine/p")},
		taggingfake.Resource{ARN: machine("untagged"), Tags: map[string]string{"team": "ml"}},
		taggingfake.Resource{ARN: "arn:aws:rds:us-east-1:000000000000:db:churn-dev-metadata", Tags: owned("churn", "dev", "DBInstance/metadata")},
	)
	want = append(want, "arn:aws:s3:::churn-dev-artifacts")
	f := taggingfake.Start(t, taggingfake.SourceFunc(func(context.Context) ([]taggingfake.Resource, error) { return resources, nil }))
	found, err := tagging.New(client(f.URL), tagging.TypeStateMachine, tagging.TypeBucket).Discover(context.Background(), "churn", "dev")
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
	if n := f.Distinct(); n != 2 {
		t.Errorf("GetResources requests = %d, want 2 pages", n)
	}
}

// TestDiscoverDenied: without tag:GetResources a person must act.
func TestDiscoverDenied(t *testing.T) {
	// AWS's answer when tag:GetResources is not granted.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"AccessDeniedException","Message":"not authorized to perform tag:GetResources"}`))
	}))
	t.Cleanup(srv.Close)
	_, err := tagging.New(client(srv.URL), tagging.TypeBucket).Discover(context.Background(), "churn", "dev")
	if d, _ := sluice.RetryOf(err); err == nil || d != sluice.RetryStalled {
		t.Errorf("Discover without access = %v (%v), want a stalled error", err, d)
	}
}
