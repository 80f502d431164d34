// Package batchfake is an in-process AWS Batch for tests: an
// httptest.Server answering Batch's REST-JSON wire protocol, so the real
// SDK client talks to it.
//
// It exists because the kumo emulator gets Batch wrong where the backend
// needs it most: kumo lacks UpdateComputeEnvironment, UpdateJobQueue,
// DescribeJobDefinitions and DeregisterJobDefinition (plain 404), answers
// TagResource/ListTagsForResource with another service's handler, accepts
// deleting an ENABLED queue or a compute environment a queue still uses
// (AWS refuses both), and has no transitional states.
//
// Operations covered, modelling AWS's documented behaviour:
//   - CreateComputeEnvironment, DescribeComputeEnvironments,
//     UpdateComputeEnvironment, DeleteComputeEnvironment: CREATING →
//     VALID, UPDATING → VALID, DELETING → DELETED (still described);
//     refusals (ClientException) for a taken name, an update or delete
//     while the environment is busy, deleting one that is ENABLED,
//     deleting one a job queue still references, and changing the
//     service role between the service-linked role (reported for an
//     environment created without one) and a regular IAM role.
//   - CreateJobQueue, DescribeJobQueues, UpdateJobQueue, DeleteJobQueue:
//     the same states; refusals for a taken name, a compute environment
//     that is missing or not VALID, an update or delete while busy, and
//     deleting an ENABLED queue.
//   - RegisterJobDefinition, DescribeJobDefinitions (by name, status,
//     ARN or name:revision, paginated), DeregisterJobDefinition:
//     revisions counting up per name, ACTIVE → INACTIVE. Registration
//     stores what AWS would: environment variables with empty values
//     dropped, Fargate's platformVersion LATEST and the ECS orchestration
//     type filled in.
//   - TagResource, UntagResource, ListTagsForResource on any ARN above.
//
// Transitional states settle only when the test calls Settle, so a test
// sees every intermediate state deterministically; Invalidate makes a
// resource INVALID as a bad role or subnet would.
package batchfake
