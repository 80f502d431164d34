package s3

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
)

// CopiedObject is one object CopyPrefix copied.
type CopiedObject struct {
	// Source and URI are the object copied and its copy (s3://BUCKET/KEY).
	Source, URI string
	Size        int64
	// VersionID is the copy's version, in a versioned bucket.
	VersionID string
}

// CopyPrefix copies every object whose key starts with the prefix of
// src (s3://BUCKET/PREFIX/) to the same key under the prefix of dst, in
// the same bucket, which must carry Sluice's ownership tag for
// environment env: a run that reuses another run's steps gets their
// artifacts, outputs.json and KEY.json under its own prefix, as the
// steps would have written them. Objects are listed a page of 1,000 at
// a time (ListObjectsV2) and copied one CopyObject each, on the
// account's quotas; an object of more than 5 GB, which CopyObject
// cannot copy in one call, fails the copy. It returns what it copied, in
// key order, and fails with KindInvalid when src or dst is not an
// s3://BUCKET/PREFIX/ of one bucket, KindNotFound when the bucket is not
// env's, and as the S3 call was classified otherwise; objects copied
// before a failure stay (a copy is idempotent: the next attempt writes
// them again).
func (o *Objects) CopyPrefix(ctx context.Context, env, src, dst string) ([]CopiedObject, error) {
	const opName = "s3.CopyPrefix"
	bucket, from, ok1 := splitPrefix(src)
	dstBucket, to, ok2 := splitPrefix(dst)
	if !ok1 || !ok2 || bucket != dstBucket {
		return nil, sluice.E(opName, sluice.KindInvalid, fmt.Errorf("copy %s to %s: both must be s3://BUCKET/PREFIX/ of one bucket", src, dst))
	}
	if err := o.owned(ctx, opName, bucket, env); err != nil {
		return nil, err
	}
	var out []CopiedObject
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(from)}
	for {
		page, err := o.client.ListObjectsV2(ctx, in)
		if err != nil {
			return out, classify(opName, err)
		}
		for _, obj := range page.Contents {
			key := aws.ToString(obj.Key)
			c, err := o.copyObject(ctx, bucket, key, to+strings.TrimPrefix(key, from))
			if err != nil {
				return out, classify(opName, err)
			}
			c.Size = aws.ToInt64(obj.Size)
			out = append(out, c)
		}
		if !aws.ToBool(page.IsTruncated) || page.NextContinuationToken == nil {
			return out, nil
		}
		in.ContinuationToken = page.NextContinuationToken
	}
}

// copyObject copies key to newKey in bucket.
func (o *Objects) copyObject(ctx context.Context, bucket, key, newKey string) (CopiedObject, error) {
	res, err := o.client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String(bucket), Key: aws.String(newKey),
		CopySource: aws.String(copySource(bucket, key))})
	if err != nil {
		return CopiedObject{}, err
	}
	return CopiedObject{Source: "s3://" + bucket + "/" + key, URI: "s3://" + bucket + "/" + newKey,
		VersionID: aws.ToString(res.VersionId)}, nil
}

// copySource is CopyObject's x-amz-copy-source: BUCKET/KEY, the key
// URL-encoded segment by segment (S3 API reference, CopyObject).
func copySource(bucket, key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return bucket + "/" + strings.Join(parts, "/")
}

// splitPrefix splits s3://BUCKET/PREFIX/ into its bucket and prefix
// (ending with "/").
func splitPrefix(uri string) (bucket, prefix string, ok bool) {
	rest, ok := strings.CutPrefix(uri, "s3://")
	bucket, prefix, cut := strings.Cut(rest, "/")
	if !ok || !cut || bucket == "" || prefix == "" || !strings.HasSuffix(prefix, "/") {
		return "", "", false
	}
	return bucket, prefix, true
}
