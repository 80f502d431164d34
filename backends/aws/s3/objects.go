package s3

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
)

// ObjectClient is the subset of the S3 API Objects calls; *s3.Client
// implements it.
type ObjectClient interface {
	GetBucketTagging(ctx context.Context, in *s3.GetBucketTaggingInput, optFns ...func(*s3.Options)) (*s3.GetBucketTaggingOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, optFns ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	CopyObject(ctx context.Context, in *s3.CopyObjectInput, optFns ...func(*s3.Options)) (*s3.CopyObjectOutput, error)
}

// Objects reads the objects of an environment's buckets: the artifacts
// its runs' steps wrote.
type Objects struct {
	client ObjectClient
}

// NewObjects returns an Objects that calls client.
func NewObjects(client ObjectClient) *Objects { return &Objects{client: client} }

// OpenArtifact opens the object uri (s3://BUCKET/KEY), at version when
// it is not empty (the version id the run store recorded), of a bucket
// that carries Sluice's ownership tag for environment env. It fails with
// KindInvalid for an address that is not s3://BUCKET/KEY, KindNotFound
// when the bucket is not env's or the object (or version) does not
// exist, and as the S3 call was classified otherwise (permission,
// throttling).
func (o *Objects) OpenArtifact(ctx context.Context, env, uri, version string) (io.ReadCloser, error) {
	const opName = "s3.OpenArtifact"
	bucket, key, ok := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	if !strings.HasPrefix(uri, "s3://") || !ok || bucket == "" || key == "" {
		return nil, sluice.E(opName, sluice.KindInvalid, fmt.Errorf("%s is not an s3://BUCKET/KEY address", uri))
	}
	if err := o.owned(ctx, opName, bucket, env); err != nil {
		return nil, err
	}
	in := &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if version != "" {
		in.VersionId = aws.String(version)
	}
	out, err := o.client.GetObject(ctx, in)
	switch {
	case isCode(err, "NoSuchKey") || isCode(err, "NoSuchVersion") || (err != nil && statusOf(err) == 404):
		return nil, sluice.E(opName, sluice.KindNotFound, fmt.Errorf("%s does not exist", uri))
	case err != nil:
		return nil, classify(opName, err)
	}
	return out.Body, nil
}

// owned fails with KindNotFound unless bucket carries Sluice's
// ownership tag for environment env, and as the S3 call was classified
// when the tags cannot be read.
func (o *Objects) owned(ctx context.Context, opName, bucket, env string) error {
	tags, err := o.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	if err != nil && !isCode(err, "NoSuchTagSet") && !isCode(err, "NoSuchBucket") {
		return classify(opName, err)
	}
	if err == nil {
		for _, t := range tags.TagSet {
			if aws.ToString(t.Key) == sluice.TagEnvironment && aws.ToString(t.Value) == env {
				return nil
			}
		}
	}
	return sluice.E(opName, sluice.KindNotFound, fmt.Errorf("bucket %s is not a bucket of environment %s", bucket, env))
}
