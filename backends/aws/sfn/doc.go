// Package sfn is the reconcile.Backend of StateMachine resources: AWS Step
// Functions state machines.
//
// The spec is CreateStateMachine's input as the compiler emits it: name,
// type, definition (a JSON object, or a string holding one), roleArn and,
// optionally, loggingConfiguration and tracingConfiguration in the API's
// field names.
//
// Observe reads a state machine by its recorded ARN, else by the ARN its
// name gives (arn:PARTITION:states:REGION:ACCOUNT:stateMachine:NAME), with
// its tags. Its Spec is in the desired shape, restricted to the fields the
// desired spec sets (an unset loggingConfiguration is no opinion), with
// the definition decoded so that documents are compared by meaning, not
// by formatting. DELETING is in progress.
//
// Create sends the tags with the state machine. CreateStateMachine is
// idempotent: AWS returns an existing state machine of the same name and
// configuration, whatever its tags, so Create reads the tags back and
// refuses (stalled) a state machine without Sluice's ownership tags for
// this resource, as it does when the name is taken by a different one.
// A name whose previous holder is still being deleted is waiting.
//
// Update sends UpdateStateMachine with only the fields that differ
// (definition, roleArn, loggingConfiguration, tracingConfiguration), then
// removes and adds tags (never aws: ones); a new name or type cannot be
// changed in place and returns reconcile.ErrReplace. Delete calls
// DeleteStateMachine and is waiting until the state machine is gone.
//
// With Options.Validate, definitions are checked with
// ValidateStateMachineDefinition before they are sent, and a definition
// it finds invalid is stalled with its diagnostics.
//
// Executions is the sluice.Runner of Step Functions: it starts executions
// of deployed state machines and describes them, folding the execution's
// history into one StepRun per attempt of each task state, with the path
// of the foreach iterations it ran in and, for Batch jobs, the ARN of the
// job's CloudWatch Logs stream.
package sfn
