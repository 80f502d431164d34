// Package taggingfake is a test peer for the AWS Resource Groups Tagging
// API at the SDK's HTTP layer: an httptest server speaking the service's
// JSON 1.1 protocol (POST /, X-Amz-Target:
// ResourceGroupsTaggingAPI_20170126.<Operation>).
//
// It exists because the kumo emulator does not serve the tagging API,
// and Sluice reads the tags of its state machines and buckets in bulk
// through it (GetResources, 100 resources a call) instead of one
// ListTagsForResource per state machine. It covers GetResources only,
// answered from the tags the services hold at the time of each request:
// the server asks its Sources (StateMachines, Buckets, or any test's own)
// at every call. Those reads go straight to the services, as the tagging
// API answers from its own index on AWS and does not spend the services'
// quotas.
//
// As the API reference documents:
//
//   - ResourceARNList (1 to 100 ARNs) returns the listed resources that
//     exist; one that does not is left out, without error. It cannot be
//     combined with ResourceTypeFilters, TagFilters, ResourcesPerPage,
//     TagsPerPage or PaginationToken (InvalidParameterException).
//   - ResourceTypeFilters ("service" or "service:resourceType", as in the
//     ARN: "states:stateMachine"; a bucket is "s3" or "s3:bucket") keep
//     the resources of any of the types; TagFilters keep those that match
//     every filter: the key present and, when Values are given, its value
//     one of them.
//   - ResourcesPerPage (1 to 100, default 100) and TagsPerPage (100 to
//     500; a resource without tags counts as one) bound a page;
//     PaginationToken is opaque and "" on the last page.
//   - Untagged resources are not returned; one the server has seen
//     tagged before and that has lost its tags is returned with an empty
//     tag list ("previously tagged").
//   - Results are ordered by ARN, tags by key.
//   - An unknown operation is UnknownOperationException; a failing Source
//     is InternalServiceException (HTTP 500).
//
// Not covered: GetTagKeys, GetTagValues, TagResources, UntagResources,
// the compliance parameters (IncludeComplianceDetails and
// ExcludeCompliantResources are ignored), PaginationTokenExpiredException,
// throttling (put internal/quotaproxy in front for that), and regions:
// Buckets returns every bucket the S3 client lists.
package taggingfake
