// Package local is Sluice's embedded local backend: the resources the
// compiler emits, kept on one machine under a data directory, driven by
// the reconcile engine through the same reconcile.Backend contract as the
// AWS backends, and the jobs of a pipeline run as local processes.
//
// # Resources
//
// New opens a World on a data directory; World.Backends returns a
// backend per resource type, keyed as the AWS wiring keys them, and
// World.Vars the placeholder values of the local target (partition aws,
// region local, account 000000000000, fixed role ARNs), so specs resolve
// to ARNs that mirror the real ones:
//
//	Bucket              arn:aws:s3:::NAME
//	ComputeEnvironment  arn:aws:batch:local:000000000000:compute-environment/NAME
//	JobQueue            arn:aws:batch:local:000000000000:job-queue/NAME
//	JobDefinition       arn:aws:batch:local:000000000000:job-definition/NAME:REVISION
//	StateMachine        arn:aws:states:local:000000000000:stateMachine:NAME
//	Schedule            arn:aws:scheduler:local:000000000000:schedule/GROUP/NAME
//	DBInstance          arn:aws:rds:local:000000000000:db:NAME
//
// Every resource is a record carrying its tags, as AWS resources do: a
// name taken by a record (or, for buckets and databases, a directory or
// database) without Sluice's ownership tags for the resource is refused
// with a stalled error, never adopted. The semantics that matter to the
// reconciler are kept: job definitions are immutable revisions (a new
// one registered only when the definition changed in meaning, the three
// newest kept ACTIVE, Observe returning the newest ACTIVE one, Delete
// deregistering them all); a state machine keeps each of its definitions
// as a version; a change of a compute environment's or a state machine's
// type, of a schedule's group, or of a database's engine, name, master
// user or encryption returns reconcile.ErrReplace; a compute environment
// a job queue still names is not deleted (waiting); a queue naming a
// compute environment that does not exist is refused (stalled); a bucket
// holding objects is not deleted (stalled); a database with deletion
// protection is not dropped (stalled). Bucket sub-configurations
// (versioning, encryption, lifecycle, replication, public access) are
// recorded, not enforced.
//
// State machine definitions are checked by parsing them with the ASL
// interpreter's parser (asl.Parse): one it cannot run is refused
// (stalled) with the state and field at fault.
//
// Schedules are recorded but not fired: Observe, Create, Update and
// Delete work as they do on AWS, and nothing starts an execution on a
// schedule's timetable.
//
// A MetadataStore (DBInstance) is a database, named after the instance
// identifier, on the PostgreSQL server Options.PostgresDSN names. With no
// DSN, or the server unreachable, Create returns a stalled error saying
// the metadata store is unavailable and why: nothing fakes success.
//
// # Data directory
//
//	DATA/records/TYPE/NAME.json   one record per resource (below)
//	DATA/buckets/NAME/            a bucket's objects, one file per key
//	DATA/jobs/JOBID.log           a job's output (stdout and stderr)
//	DATA/jobs/JOBID.json          a finished job's description
//	DATA/executions/SM/NAME.json  an execution of state machine SM (below)
//
// A record is a JSON object:
//
//	{
//	  "type": "JobDefinition",        resource type
//	  "name": "churn-dev-train_fit",  physical name
//	  "arn": "arn:aws:batch:...:3",   identity (the newest ACTIVE revision's)
//	  "tags": {...},                  ownership and user tags
//	  "spec": {...},                  current configuration, in the spec's shape
//	  "status": "ACTIVE",             VALID, ACTIVE, INACTIVE, available, ENABLED, ...
//	  "created": "...", "updated": "...",
//	  "revisions": [                  job definitions: every revision;
//	    {"revision": 1, "arn": "...", "status": "INACTIVE", "spec": {...}, "time": "..."}
//	  ]                               state machines: every definition
//	}
//
// Every write goes to a temporary file renamed over the old one, so a
// record is never seen half written. One process at a time may use a
// data directory.
//
// # Running jobs
//
// World implements the ASL interpreter's TaskRunner and Resources.
// RunTask runs a batch:submitJob.sync task as a local process: the job
// definition and queue are looked up by name, name:revision or ARN; the
// job takes its vCPUs (its VCPU requirement, 1 by default) from the slot
// pool of the queue's first compute environment, sized by that
// environment's maxvCpus, and waits until they are free; its command
// runs in Options.Workdir, inside a bubblewrap sandbox (Sandbox: as
// nobody in its own namespaces, seeing the system's programs, the
// workdir read-only and only the buckets of its own project and
// environment), with an environment built from nothing: PATH, HOME=/tmp,
// the definition's environment, the overrides' environment and
// AWS_BATCH_JOB_ID, AWS_BATCH_JQ_NAME, AWS_BATCH_CE_NAME; every
// s3://BUCKET in its arguments and environment becomes the bucket's
// local directory. A sandbox that cannot be set up fails the job
// (ErrSandbox); only Sandbox.Off runs it unsandboxed. The data directory
// is 0700 and job logs 0600. Container images are not pulled (the World
// logs that once, and every job's log says so); secrets, volumes, memory
// and GPU requirements are not applied locally. Cancelling the task's
// context kills the job's whole process group (and so its sandbox).
//
// RunTask also answers the aws-sdk:s3:getObject tasks with which a
// compiled pipeline reads a step's outputs.json. ReadItems reads a
// Distributed Map's items from a local object (a JSON array, or CSV with
// a header row); WriteResults writes the Map's results and manifest under
// the ResultWriter's prefix, as Step Functions does.
//
// A batch:submitJob task (without .sync) runs its job to the end too,
// and returns what SubmitJob returns (JobArn, JobId, JobName): the job's
// outcome is in its log and description, not the task's.
//
// # Executions
//
// World implements sluice.Runner. StartExecution parses the state
// machine's current definition (once per distinct definition), writes
// the execution's record (a sluice.Execution in JSON) and runs it in the
// ASL interpreter in the background, under the World rather than the
// caller's context; Close aborts what still runs and waits for it. Each
// Batch job task an execution runs is one of its Steps, with its attempt,
// outcome and log file; the getObject tasks with which a compiled
// pipeline reads a step's outputs are not steps. The record is rewritten
// at most every 100 ms while the execution runs, and once when it ends.
// DescribeExecution and Executions read records from memory while their
// execution runs and from disk otherwise, so a World opened later on the
// same directory sees past executions; one left RUNNING by a process
// that stopped is reported ABORTED.
//
// ResumeExecution starts a new execution that reuses a failed one's
// succeeded steps; StartFromOrigin one that reuses what another
// execution did before a given step (every step that does not follow it
// in the definition). A reused step's artifacts are copied under the new
// run's prefix and recorded as copies of the origin's. Before each job
// starts, the World hands it SLUICE_RUNS: the pipelines of its project
// and environment with their artifacts prefix and latest successful run,
// so that a step reads another run's artifacts without a store.
package local
