package s3

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// Create makes the bucket (with a LocationConstraint outside us-east-1),
// tags it at once so it is known as Sluice's, then writes each
// sub-configuration the spec sets. A bucket of that name that already
// carries Sluice's tags for t (left by an interrupted create) is
// brought up to date instead; one without them, or a name another
// account holds, is a stalled error.
func (b *Backend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	const name = "Create"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return sluice.Observation{}, err
	}
	current, err := b.Observe(ctx, t)
	if err != nil {
		return sluice.Observation{}, err
	}
	if current.Exists {
		if !current.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID) {
			return sluice.Observation{}, sluice.Stalled(sluice.E(op(name, t), sluice.KindConflict,
				fmt.Errorf("bucket %s exists without Sluice's ownership tags for %s: Sluice never adopts it", s.bucket, t.ID)))
		}
		return b.Update(ctx, t, current)
	}
	if err := b.createBucket(ctx, s.bucket); err != nil {
		return sluice.Observation{}, classify(op(name, t), err)
	}
	if err := b.putTags(ctx, s.bucket, t.Tags); err != nil {
		return sluice.Observation{}, classify(op(name, t), err)
	}
	if err := b.putSubconfigs(ctx, s, newBucket()); err != nil {
		return sluice.Observation{}, classify(op(name, t), err)
	}
	return b.applied(t, s), nil
}

// newBucket is what a bucket just created has, in the spec's shape: no
// sub-configuration but unversioned (read as Suspended, see
// getVersioning). Create writes only what differs from it.
func newBucket() map[string]json.RawMessage {
	return map[string]json.RawMessage{"versioning": json.RawMessage(`{"Status":"Suspended"}`)}
}

// Update writes each sub-configuration the spec sets that differs from
// current, then the tags when they differ (last, so the spec-hash tag
// is only updated once the spec is applied). A different bucket name
// returns reconcile.ErrReplace.
func (b *Backend) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	const name = "Update"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return sluice.Observation{}, err
	}
	observed := map[string]json.RawMessage{}
	if len(current.Spec) > 0 {
		if err := json.Unmarshal(current.Spec, &observed); err != nil {
			return sluice.Observation{}, sluice.E(op(name, t), sluice.KindInternal, err)
		}
	}
	var was string
	if raw, ok := observed["Bucket"]; ok && json.Unmarshal(raw, &was) == nil && was != s.bucket {
		return sluice.Observation{}, sluice.E(op(name, t), sluice.KindConflict, reconcile.ErrReplace)
	}
	if err := b.putSubconfigs(ctx, s, observed); err != nil {
		return sluice.Observation{}, classify(op(name, t), err)
	}
	if !sameTags(userTags(t.Tags), current.Tags) {
		if err := b.putTags(ctx, s.bucket, t.Tags); err != nil {
			return sluice.Observation{}, classify(op(name, t), err)
		}
	}
	return b.applied(t, s), nil
}

// applied is the observation of a bucket just brought to t.
func (b *Backend) applied(t sluice.Target, s spec) sluice.Observation {
	return sluice.Observation{Exists: true, ARN: b.arn(s.bucket), Tags: userTags(t.Tags), Spec: t.Spec}
}

// createBucket calls CreateBucket, with the region as LocationConstraint
// outside us-east-1 (where S3 refuses one).
func (b *Backend) createBucket(ctx context.Context, bucket string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
	if b.region != "" && b.region != "us-east-1" {
		in.CreateBucketConfiguration = &types.CreateBucketConfiguration{
			LocationConstraint: types.BucketLocationConstraint(b.region)}
	}
	_, err := b.client.CreateBucket(ctx, in)
	return err
}

// putSubconfigs brings, in order, each sub-configuration s has an
// opinion on to it: a value that differs from the observed one is
// written; a null removes the one the bucket has.
func (b *Backend) putSubconfigs(ctx context.Context, s spec, observed map[string]json.RawMessage) error {
	for _, sc := range subconfigs() {
		raw, ok := s.keys[sc.key]
		if !ok || sameJSON(raw, observed[sc.key]) {
			continue
		}
		err := b.writeSubconfig(ctx, sc, s.bucket, raw, observed)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.key, err)
		}
	}
	return nil
}

// writeSubconfig writes raw, or removes the sub-configuration when raw is
// null and observed holds one.
func (b *Backend) writeSubconfig(ctx context.Context, sc subconfig, bucket string, raw json.RawMessage, observed map[string]json.RawMessage) error {
	if !isNull(raw) {
		return sc.put(ctx, b.client, bucket, raw)
	}
	if sc.del == nil {
		return fmt.Errorf("null is not a value of %s: a bucket always has one", sc.key)
	}
	if isNull(observed[sc.key]) {
		return nil
	}
	return sc.del(ctx, b.client, bucket)
}

// putTags replaces the bucket's tag set with tags, keeping the aws: tags
// the bucket already has.
func (b *Backend) putTags(ctx context.Context, bucket string, tags map[string]string) error {
	current, err := b.tags(ctx, bucket)
	if err != nil {
		return err
	}
	all := userTags(tags)
	for k, v := range current {
		if strings.HasPrefix(k, "aws:") {
			all[k] = v
		}
	}
	_, err = b.client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
		Bucket: aws.String(bucket), Tagging: &types.Tagging{TagSet: tagSet(all)}})
	return err
}
