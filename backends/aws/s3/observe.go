package s3

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
)

// Observe reads the bucket (HeadBucket), its tags and each
// sub-configuration the spec sets, in the spec's shape. A bucket that
// does not exist is Observation{Exists: false}. A name another account
// holds, or that Sluice may not read, is a stalled error.
func (b *Backend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	const name = "Observe"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return sluice.Observation{}, err
	}
	exists, err := b.exists(ctx, s.bucket)
	if err != nil || !exists {
		return sluice.Observation{}, classify(op(name, t), err)
	}
	tags, err := b.tags(ctx, s.bucket)
	if err != nil {
		return sluice.Observation{}, classify(op(name, t), err)
	}
	observed, err := b.readSpec(ctx, s)
	if err != nil {
		return sluice.Observation{}, classify(op(name, t), err)
	}
	return sluice.Observation{Exists: true, ARN: b.arn(s.bucket), Tags: userTags(tags), Spec: observed}, nil
}

// exists reports whether the bucket exists. A bucket S3 answers 403 for
// belongs to another account (or Sluice lacks permission): an error.
func (b *Backend) exists(ctx context.Context, bucket string) (bool, error) {
	_, err := b.client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil:
		return true, nil
	case statusOf(err) == 404 || isCode(err, "NotFound") || isCode(err, "NoSuchBucket"):
		return false, nil
	case statusOf(err) == 403:
		return false, fmt.Errorf("bucket %s exists but is not readable: another account owns the name or Sluice lacks permission: %w", bucket, err)
	case statusOf(err) == 301:
		return false, fmt.Errorf("bucket %s exists in another region: %w", bucket, err)
	default:
		return false, err
	}
}

// tags returns every tag of the bucket, aws: keys included; a bucket
// without tags has none.
func (b *Backend) tags(ctx context.Context, bucket string) (map[string]string, error) {
	out, err := b.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(bucket)})
	if isCode(err, "NoSuchTagSet") {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	tags := make(map[string]string, len(out.TagSet))
	for _, tag := range out.TagSet {
		tags[aws.ToString(tag.Key)] = aws.ToString(tag.Value)
	}
	return tags, nil
}

// readSpec reads each sub-configuration s has an opinion on and returns
// them, with the bucket name, as normalised JSON in the spec's shape. A
// sub-configuration the bucket does not have is left out; one the spec
// wants gone (null) is reported whole when the bucket has it.
func (b *Backend) readSpec(ctx context.Context, s spec) (json.RawMessage, error) {
	observed := map[string]any{"Bucket": s.bucket}
	for _, sc := range subconfigs() {
		raw, ok := s.keys[sc.key]
		if !ok {
			continue
		}
		v, err := sc.get(ctx, b.client, s.bucket)
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		var desired any
		if err := json.Unmarshal(raw, &desired); err != nil {
			return nil, err
		}
		got, err := generic(v)
		if err != nil {
			return nil, err
		}
		if desired == nil {
			observed[sc.key] = stripNulls(got)
			continue
		}
		observed[sc.key] = restrict(desired, got)
	}
	return json.Marshal(observed)
}
