// Package batch is Sluice's AWS Batch backend: it creates, observes,
// updates and deletes compute environments, job queues and job
// definitions through the Batch API.
//
// One Backend serves the three resource types (ComputeEnvironment,
// JobQueue, JobDefinition), dispatching on Target.Type. The specs it
// receives are the Batch API input shapes the compiler emits
// (CreateComputeEnvironment, CreateJobQueue, RegisterJobDefinition), with
// placeholders resolved.
//
// Compute environments and job queues are created tagged, updated in
// place where UpdateComputeEnvironment and UpdateJobQueue allow it
// (reconcile.ErrReplace otherwise), and deleted in steps: disable, wait,
// delete, wait until gone; every step returns a waiting error instead of
// sleeping. Job definitions are immutable revisions: a new revision is
// registered only when the definition differs in meaning from the latest
// active one, and revisions beyond the newest Options.KeepRevisions are
// deregistered.
//
// The backend never adopts: a name taken by a resource without Sluice's
// ownership tags is a stalled error.
package batch
