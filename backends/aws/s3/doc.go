// Package s3 is the reconcile.Backend for Bucket resources: S3 buckets
// whose spec holds the bucket name ("Bucket") and each sub-configuration
// under its own key, in the shape of its Put call:
//
//	versioning         PutBucketVersioning        VersioningConfiguration
//	encryption         PutBucketEncryption        ServerSideEncryptionConfiguration
//	publicAccessBlock  PutPublicAccessBlock       PublicAccessBlockConfiguration
//	lifecycle          PutBucketLifecycleConfiguration  BucketLifecycleConfiguration
//	replication        PutBucketReplication       ReplicationConfiguration
//
// A sub-configuration the spec leaves out is no opinion: Sluice neither
// reads nor removes it. Tags are the target's tags, written with
// PutBucketTagging, keeping the bucket's aws: tags.
//
// Observe reads only the sub-configurations the spec sets and reports
// them in the spec's shape, restricted to the fields the spec sets;
// lists of rules are matched by ID (a set, in the spec's order, extra
// observed rules after them). Update sends a Put only for a
// sub-configuration that differs. Since an omitted sub-configuration is
// no opinion, the backend never calls a Delete* of one (nor needs
// DeleteBucketReplication, which its Client leaves out). Delete never
// empties a bucket: a bucket with objects is a stalled error.
//
// Create tags the bucket right after CreateBucket; a bucket left untagged
// by a crash between the two calls is not Sluice's to adopt, and Create
// reports it as a stalled error.
//
// Objects reads what runs wrote to an environment's buckets (sluice
// artifacts get through the daemon): only from a bucket that carries the
// environment's ownership tag, at the version the run store recorded.
package s3
