package s3

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// subconfig is one S3 sub-configuration: its key in the spec, how to read
// it (nil when the bucket has none), how to write it and, for those a
// bucket can be without, how to remove it.
//
// A spec key set to null asks for the bucket to be without that
// sub-configuration (the compiler's meaning of a field left out of the
// document): del runs when the bucket has one. A sub-configuration
// without del cannot be null. A key absent from the spec is no opinion:
// neither read nor written.
type subconfig struct {
	key string
	get func(ctx context.Context, c Client, bucket string) (any, error)
	put func(ctx context.Context, c Client, bucket string, raw json.RawMessage) error
	del func(ctx context.Context, c Client, bucket string) error
}

// subconfigs in the order they are written: the public-access block
// before anything could expose the bucket, versioning before replication
// (which requires it).
func subconfigs() []subconfig {
	return []subconfig{
		{"publicAccessBlock", getPublicAccessBlock, putPublicAccessBlock, nil},
		{"encryption", getEncryption, putEncryption, nil},
		{"versioning", getVersioning, putVersioning, nil},
		{"lifecycle", getLifecycle, putLifecycle, deleteLifecycle},
		{"replication", getReplication, putReplication, deleteReplication},
	}
}

func getPublicAccessBlock(ctx context.Context, c Client, bucket string) (any, error) {
	out, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String(bucket)})
	if isCode(err, "NoSuchPublicAccessBlockConfiguration") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out.PublicAccessBlockConfiguration, nil
}

func putPublicAccessBlock(ctx context.Context, c Client, bucket string, raw json.RawMessage) error {
	var cfg types.PublicAccessBlockConfiguration
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return err
	}
	_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: &cfg})
	return err
}

func getEncryption(ctx context.Context, c Client, bucket string) (any, error) {
	out, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String(bucket)})
	if isCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out.ServerSideEncryptionConfiguration, nil
}

func putEncryption(ctx context.Context, c Client, bucket string, raw json.RawMessage) error {
	var cfg types.ServerSideEncryptionConfiguration
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return err
	}
	_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket), ServerSideEncryptionConfiguration: &cfg})
	return err
}

// getVersioning reports a bucket whose versioning was never enabled as
// Suspended: S3 reports it with an empty Status, and stores new objects
// of both alike (with a null version ID), so "off" has one spelling.
func getVersioning(ctx context.Context, c Client, bucket string) (any, error) {
	out, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String(bucket)})
	if err != nil {
		return nil, err
	}
	status := out.Status
	if status == "" {
		status = types.BucketVersioningStatusSuspended
	}
	return types.VersioningConfiguration{Status: status, MFADelete: types.MFADelete(out.MFADelete)}, nil
}

func putVersioning(ctx context.Context, c Client, bucket string, raw json.RawMessage) error {
	var cfg types.VersioningConfiguration
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return err
	}
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(bucket), VersioningConfiguration: &cfg})
	return err
}

func getLifecycle(ctx context.Context, c Client, bucket string) (any, error) {
	out, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(bucket)})
	if isCode(err, "NoSuchLifecycleConfiguration") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return types.BucketLifecycleConfiguration{Rules: out.Rules}, nil
}

func putLifecycle(ctx context.Context, c Client, bucket string, raw json.RawMessage) error {
	var cfg types.BucketLifecycleConfiguration
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return err
	}
	_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(bucket), LifecycleConfiguration: &cfg})
	return err
}

// deleteLifecycle removes every lifecycle rule (DeleteBucketLifecycle).
func deleteLifecycle(ctx context.Context, c Client, bucket string) error {
	_, err := c.DeleteBucketLifecycle(ctx, &s3.DeleteBucketLifecycleInput{Bucket: aws.String(bucket)})
	return err
}

func getReplication(ctx context.Context, c Client, bucket string) (any, error) {
	out, err := c.GetBucketReplication(ctx, &s3.GetBucketReplicationInput{Bucket: aws.String(bucket)})
	if isCode(err, "ReplicationConfigurationNotFoundError") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out.ReplicationConfiguration, nil
}

func putReplication(ctx context.Context, c Client, bucket string, raw json.RawMessage) error {
	var cfg types.ReplicationConfiguration
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return err
	}
	_, err := c.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String(bucket), ReplicationConfiguration: &cfg})
	return err
}

// deleteReplication removes the replication configuration
// (DeleteBucketReplication). Never call it against kumo v0.33.1, which
// deletes the bucket instead.
func deleteReplication(ctx context.Context, c Client, bucket string) error {
	_, err := c.DeleteBucketReplication(ctx, &s3.DeleteBucketReplicationInput{Bucket: aws.String(bucket)})
	return err
}
