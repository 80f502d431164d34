package s3_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// TestDiscoverKumo makes buckets tagged for churn/dev, for other projects
// and environments, and untagged ones: only churn/dev's are found.
func TestDiscoverKumo(t *testing.T) {
	srv := kumotest.Start(t)
	ctx := context.Background()
	raw := s3.NewFromConfig(srv.Config, kumotest.S3Options)
	own := func(project, env, id string) map[string]string {
		return map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: project,
			sluice.TagEnvironment: env, sluice.TagResource: id, sluice.TagSpecHash: "h1", "team": "ml"}
	}
	buckets := map[string]map[string]string{
		"churn-dev-artifacts": own("churn", "dev", "Bucket/artifacts"),
		"churn-dev-scratch":   own("churn", "dev", "Bucket/scratch"),
		"churn-prod-scratch":  own("churn", "prod", "Bucket/scratch"),
		"other-dev-scratch":   own("other", "dev", "Bucket/scratch"),
		"churn-dev-untagged":  nil,
		"churn-dev-foreign":   {sluice.TagProject: "churn", sluice.TagEnvironment: "dev", sluice.TagResource: "Bucket/x"},
	}
	for name, tags := range buckets {
		if _, err := raw.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
		if tags == nil {
			continue
		}
		var set []types.Tag
		for k, v := range tags {
			set = append(set, types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		if _, err := raw.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &types.Tagging{TagSet: set}}); err != nil {
			t.Fatal(err)
		}
	}
	found, err := s3backend.New(raw, kumotest.Region).Discover(ctx, "churn", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range found {
		if !o.Exists || o.Tags["team"] != "ml" {
			t.Errorf("found %+v: want it existing, with its tags", o)
		}
		got = append(got, o.ARN)
	}
	slices.Sort(got)
	want := []string{"arn:aws:s3:::churn-dev-artifacts", "arn:aws:s3:::churn-dev-scratch"}
	if !slices.Equal(got, want) {
		t.Errorf("discovered %v, want %v", got, want)
	}
}
