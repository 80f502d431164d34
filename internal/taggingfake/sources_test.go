package taggingfake_test

import (
	"context"
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/internal/taggingfake"
)

// get calls GetResources and returns ARN → tags.
func get(t *testing.T, api *rgt.Client, in *rgt.GetResourcesInput) map[string]map[string]string {
	t.Helper()
	out, err := api.GetResources(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return flatten(out.ResourceTagMappingList)
}

// TestStateMachines reads state machines from the Step Functions fake:
// tagged ones with their tags, a tag change seen at the next call.
func TestStateMachines(t *testing.T) {
	ctx := context.Background()
	peer := sfnfake.Start("us-east-1", "123456789012")
	t.Cleanup(peer.Close)
	states := sfn.New(sfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(peer.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	created := map[string]string{}
	for name, tags := range map[string][]sfntypes.Tag{
		"train": {{Key: aws.String("sluice:env"), Value: aws.String("prod")}},
		"score": {{Key: aws.String("sluice:env"), Value: aws.String("dev")}},
		"bare":  nil,
	} {
		out, err := states.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Tags: tags,
			Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`),
			RoleArn:    aws.String("arn:aws:iam::123456789012:role/r")})
		if err != nil {
			t.Fatal(err)
		}
		created[name] = aws.ToString(out.StateMachineArn)
	}
	api := client(taggingfake.Start(t, taggingfake.StateMachines(states)))
	in := &rgt.GetResourcesInput{ResourceTypeFilters: []string{"states:stateMachine"}}
	want := map[string]map[string]string{created["train"]: {"sluice:env": "prod"}, created["score"]: {"sluice:env": "dev"}}
	if got := get(t, api, in); !maps.EqualFunc(got, want, maps.Equal) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, err := states.TagResource(ctx, &sfn.TagResourceInput{ResourceArn: aws.String(created["bare"]),
		Tags: []sfntypes.Tag{{Key: aws.String("team"), Value: aws.String("ml")}}}); err != nil {
		t.Fatal(err)
	}
	want[created["bare"]] = map[string]string{"team": "ml"}
	if got := get(t, api, in); !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("after TagResource: got %v, want %v", got, want)
	}
}

// TestBuckets reads buckets from kumo: a tagged one with its tags under
// arn:aws:s3:::NAME, an untagged one (NoSuchTagSet) left out.
func TestBuckets(t *testing.T) {
	ctx := context.Background()
	kumo := kumotest.Start(t)
	store := s3.NewFromConfig(kumo.Config, kumotest.S3Options)
	for _, name := range []string{"tf-data", "tf-bare"} {
		if _, err := store.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String("tf-data"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("sluice:env"), Value: aws.String("prod")}}}}); err != nil {
		t.Fatal(err)
	}
	api := client(taggingfake.Start(t, taggingfake.Buckets(store)))
	want := map[string]map[string]string{"arn:aws:s3:::tf-data": {"sluice:env": "prod"}}
	if got := get(t, api, &rgt.GetResourcesInput{ResourceTypeFilters: []string{"s3"}}); !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("by type: got %v, want %v", got, want)
	}
	byARN := &rgt.GetResourcesInput{ResourceARNList: []string{"arn:aws:s3:::tf-data", "arn:aws:s3:::tf-bare", "arn:aws:s3:::tf-none"}}
	if got := get(t, api, byARN); !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("by ARN: got %v, want %v", got, want)
	}
}
