package kumotest_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice/internal/kumotest"
)

// TestStart starts the emulator and reads back a bucket it created, so
// the configuration's endpoint, credentials and path-style addressing are
// what the emulator needs.
func TestStart(t *testing.T) {
	srv := kumotest.Start(t)
	ctx := context.Background()
	client := s3.NewFromConfig(srv.Config, kumotest.S3Options)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("kumotest")}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	found := false
	for _, b := range out.Buckets {
		found = found || aws.ToString(b.Name) == "kumotest"
	}
	if !found {
		t.Errorf("bucket kumotest not listed: %v", out.Buckets)
	}
}
