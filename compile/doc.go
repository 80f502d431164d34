// Package compile turns a repository's documents into the desired AWS
// resources of one environment. Compile is a pure function: it reads only
// its input, and the same input gives byte-identical output (specs are
// canonical JSON with sorted keys; resources are sorted by ID).
//
// # Resources
//
//	ArtifactStore       Bucket/NAME           S3 bucket; each sub-configuration (versioning,
//	                                          encryption, publicAccessBlock, lifecycle,
//	                                          replication) under its own key in the shape of
//	                                          its Put* call, absent when the document says
//	                                          nothing (no opinion); retained on prune unless
//	                                          deletionPolicy: delete
//	ComputeEnvironment  ComputeEnvironment/NAME  managed Batch compute (CreateComputeEnvironment)
//	                    JobQueue/NAME         its job queue (CreateJobQueue), depending on it
//	MetadataStore       DBInstance/NAME       RDS PostgreSQL (CreateDBInstance) with the master
//	                                          password managed by RDS in Secrets Manager, never
//	                                          in a spec; retained unless deletionPolicy: delete
//	Pipeline            JobDefinition/P.STEP  one Batch job definition (RegisterJobDefinition)
//	                                          per distinct step container, named after the
//	                                          first step that uses it; commands are not part of
//	                                          the container, so steps that differ only in
//	                                          their command share one
//	                    StateMachine/P        Step Functions state machine (CreateStateMachine)
//	                    Schedule/P            EventBridge Scheduler schedule (CreateSchedule),
//	                                          when the pipeline has one
//
// Physical names are "PROJECT-ENV-NAME" (job definitions
// "PROJECT-ENV-PIPELINE_STEP"), cleaned to the characters each service
// accepts and cut to its length limit; a name that had to be cleaned or
// cut ends with "-" and eight hex digits of the hash of the full name.
//
// Every resource carries the ownership tags of package sluice, then the
// project's tags, the document's labels and its spec's tags. Its Hash is
// the SHA-256 of its physical name, spec and user tags, computed with the
// Git revision replaced by a fixed sentinel: a commit that does not change
// a resource does not change its hash.
//
// Values only the environment's target knows are placeholders, replaced
// at apply time: ${aws.partition}, ${aws.region}, ${aws.accountId},
// ${target.stepFunctionsRoleArn}, ${target.schedulerRoleArn}, and
// ${Type/name.arn} for the ARN of another desired resource (see the
// Placeholder constants).
//
// # Pipelines
//
// A step's settings are its own, over the pipeline's, over the project's
// defaults: image, compute, timeout and retry replace; resources merge
// field by field; env and secrets merge key by key; volumes merge by
// name.
//
// The state machine starts by merging the parameters' defaults under the
// "parameters" object of the execution input ({"parameters": {...}}),
// failing before any step runs with Sluice.MissingParameter when a
// required one is absent and Sluice.InvalidParameter when one has the
// wrong type (paramcheck.go).
// Each step is a Task running its Batch job (batch:submitJob.sync); a
// split is a Parallel state, a foreach a Map (INLINE, at most 40 copies
// at once, or DISTRIBUTED: child executions that, over a step's outputs,
// read their items from S3), a switch a Choice on a value the step wrote.
// A foreach copy carries only its item, its index and references, and
// ends with nothing, so neither a copy's input nor what the Map collects
// grows with the parameters (foreach.go); a foreach's maxItems feeds a
// history and payload budget (every retry reserved) that runs it
// distributed or refuses it (budget.go), and a foreach checks its list's
// length before its copies start (guard.go: inline ones, and distributed
// ones over a parameter with maxItems); the same caps check a run's
// list parameters before the run starts (RunDeclarations, CheckRun).
// A step whose switch or foreach needs its outputs is followed by a state
// that reads its outputs.json (retried on transient S3 errors). onFailure
// is a Catch, through states that tell the onFailure step what failed. A
// step's timeout is its Task's TimeoutSeconds (from submission, queue
// wait included) and its job definition's attempt duration; runTimeout
// alone is the state machine's TimeoutSeconds (see timeout.go).
//
// Retries happen in Step Functions, which honours delay, backoff and
// jitter: retry.attempts is MaxAttempts, the tries after the first, so
// attempts: 2 means up to three tries and 0 none. Batch's own
// retryStrategy stays at one attempt per job. Every Task also retries
// Batch API throttling.
//
// # What a step sees
//
// Each step's container gets, besides its own env and secrets:
//
//	SLUICE_PROJECT, SLUICE_PIPELINE, SLUICE_ENVIRONMENT   names
//	SLUICE_STEP             the step's name
//	SLUICE_RUN_ID           the run: the execution's name
//	SLUICE_REVISION         the Git revision that deployed the pipeline
//	SLUICE_PARAMETERS       the run's parameters, as a JSON object
//	SLUICE_ARTIFACTS        s3://BUCKET/PIPELINE/RUN_ID, the run's prefix
//	SLUICE_OUTPUT           the step's own prefix (below)
//	SLUICE_PARENTS          a JSON list of the prefixes of the steps that
//	                        ran right before it (for a join: its branches'
//	                        or its body's last steps)
//	SLUICE_FOREACH_INDEX    inside a foreach: the copy's index, from 0
//	SLUICE_FOREACH_ITEM     inside a foreach: the copy's item, as JSON
//	SLUICE_FAILED_STEP, SLUICE_ERROR, SLUICE_CAUSE
//	                        for a step some step's Catch goes to: what
//	                        failed (empty when reached otherwise)
//
// docs/dsl.md states this contract for people who bring their own
// containers (internal/dslgen/contract.md).
//
// # Artifacts
//
// A run's artifacts live in the pipeline's ArtifactStore bucket:
//
//	s3://BUCKET/PIPELINE/RUN_ID/STEP/                  a step outside any foreach
//	s3://BUCKET/PIPELINE/RUN_ID/STEP/I/                a copy of a foreach body, I its index
//	s3://BUCKET/PIPELINE/RUN_ID/STEP/I/J/              nested foreach: outer index, then inner
//	.../STEP/outputs.json                              values a switch or foreach reads: a JSON
//	                                                   object, written by the step
//	.../STEP/KEY.json                                  the list of a distributed foreach over
//	                                                   outputs.KEY, as a JSON array
//	s3://BUCKET/PIPELINE/map-results/STEP/             results of distributed foreach copies
//
// A step inside a foreach finds its parents' copies under their prefixes
// with its own indexes; a foreach's join finds every copy of the body's
// last step under that step's prefix.
package compile
