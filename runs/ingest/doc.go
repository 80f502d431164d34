// Package ingest records runs on AWS, whoever started them, at little
// API cost and missing nothing: a Drainer long-polls an environment's
// event queue (the EventQueue the EventRule delivers Step Functions
// execution status changes and Batch job state changes to) and writes
// each event to a RunSink before deleting it; a CatchUp lists each state
// machine's executions since the last one it saw, so that an event lost
// on the way (a rule created after the execution started, a queue
// deleted and made again, an event older than the queue's retention) is
// found all the same. An Ingester runs both for an environment: the
// drainer all the time, a catch-up round every interval over the state
// machines of its inventory (ForConfig builds the drainer and catch-up
// from the environment's AWS configuration).
//
// Both call AWS through clients built from awsapi.LoadConfig with the
// account's shared awsapi.Limiter, so they keep to the same
// per-operation quotas as the backends.
//
// EventBridge delivers at least once and in no guaranteed order: the
// same event may come twice, and a RUNNING event after its SUCCEEDED.
// A RunSink must write idempotently and must not let an older status
// replace a newer one (an execution's stop date, a job's attempts and
// the event's time tell them apart). The rule matches state machines and
// job queues by the "PROJECT-ENV-" prefix of their names, which another
// environment's names may share ("dev" and "dev-eu"): the sink keeps
// only the executions of state machines the environment deployed, and
// the jobs of those executions.
package ingest
