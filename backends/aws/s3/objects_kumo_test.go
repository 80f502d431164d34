package s3_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluice-dev/sluice"
	s3backend "github.com/sluice-dev/sluice/backends/aws/s3"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// TestKumoOpenArtifact reads an object of an environment's bucket, an
// older version of it by its version id, and refuses another
// environment's bucket, a missing key and an address that is not s3://.
func TestKumoOpenArtifact(t *testing.T) {
	ctx := context.Background()
	client := devBucket(t, bucket)
	var err error
	_, err = client.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	if err != nil {
		t.Fatal(err)
	}
	put := func(body string) string {
		out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("training/r1/model.json"),
			Body: bytes.NewReader([]byte(body))})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.VersionId)
	}
	first := put("v1")
	put("v2")
	objects := s3backend.NewObjects(client)
	read := func(version string) string {
		rc, err := objects.OpenArtifact(ctx, "dev", "s3://"+bucket+"/training/r1/model.json", version)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = rc.Close() }()
		b, _ := io.ReadAll(rc)
		return string(b)
	}
	if got := read(""); got != "v2" {
		t.Errorf("current version: %q, want v2", got)
	}
	if first == "" {
		t.Log("kumo returned no version id: versioned reads not checked")
	} else if got := read(first); got != "v1" {
		t.Errorf("version %s: %q, want v1", first, got)
	}
	for _, c := range []struct {
		env, uri string
		kind     sluice.Kind
	}{
		{"prod", "s3://" + bucket + "/training/r1/model.json", sluice.KindNotFound},
		{"dev", "s3://" + bucket + "/training/r1/nothing.json", sluice.KindNotFound},
		{"dev", "s3://no-such-bucket-here/k", sluice.KindNotFound},
		{"dev", "/etc/passwd", sluice.KindInvalid},
	} {
		if _, err := objects.OpenArtifact(ctx, c.env, c.uri, ""); sluice.KindOf(err) != c.kind {
			t.Errorf("%s in %s: %v, want %s", c.uri, c.env, err, c.kind)
		}
	}
}

// bucket is the environment's artifact bucket the object tests use.
const bucket = "churn-dev-artifacts"

// devBucket starts kumo and makes bucket, tagged as the dev
// environment's, and returns a client of it.
func devBucket(t *testing.T, bucket string) *s3.Client {
	t.Helper()
	srv := kumotest.Start(t)
	ctx := context.Background()
	client := s3.NewFromConfig(srv.Config, kumotest.S3Options)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	_, err := client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(bucket), Tagging: &types.Tagging{
		TagSet: []types.Tag{{Key: aws.String(sluice.TagEnvironment), Value: aws.String("dev")}}}})
	if err != nil {
		t.Fatal(err)
	}
	return client
}
