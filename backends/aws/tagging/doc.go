// Package tagging discovers Sluice's resources in bulk through the AWS
// Resource Groups Tagging API: one GetResources call returns up to 100
// resources with their tags, filtered by Sluice's ownership tags, where
// listing a service and reading each resource's tags costs a call per
// resource (and Step Functions' ListTagsForResource refills at one per
// second).
//
// It covers the resource types whose tags are the whole story: state
// machines and buckets. Batch and RDS answer their own listings with the
// tags in them already; Batch job definitions stay listed by the tagging
// API after they are deregistered, and schedules carry Sluice's ownership
// in their Description, so those are discovered by their own backends.
// The tagging API is eventually consistent: a resource deleted moments
// ago may still be returned, which the reconciler then observes as gone.
package tagging
