package s3

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
)

// Delete deletes the bucket when it is empty; a bucket that is already
// gone is no error. Sluice never deletes objects: a bucket that still
// holds any (or any object version) is a stalled error saying so.
func (b *Backend) Delete(ctx context.Context, t sluice.Target, _ sluice.Observation) error {
	const name = "Delete"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return err
	}
	_, err = b.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(s.bucket)})
	switch {
	case err == nil || isCode(err, "NoSuchBucket") || statusOf(err) == 404:
		return nil
	case isCode(err, "BucketNotEmpty"):
		return sluice.Stalled(sluice.E(op(name, t), sluice.KindConflict, fmt.Errorf(
			"bucket %s is not empty and Sluice never deletes objects: empty it, or give the store deletion: retain: %w", s.bucket, err)))
	default:
		return classify(op(name, t), err)
	}
}
