// Package sfnfake is a test peer for Step Functions at the SDK's HTTP
// layer: an httptest server speaking the service's JSON 1.0 protocol
// (POST /, X-Amz-Target: AWSStepFunctions.<Operation>).
//
// It exists because the kumo emulator lacks UpdateStateMachine, answers a
// second identical CreateStateMachine with a conflict where AWS is
// idempotent, and deletes at once where AWS passes through DELETING. It
// covers CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
// DeleteStateMachine, TagResource, UntagResource, ListTagsForResource, ListStateMachines (paged) and
// ValidateStateMachineDefinition, as AWS documents them:
//
//   - Create is idempotent for the same name, definition, type, logging
//     and tracing configuration (role and tags are ignored and left as
//     they were); another state machine of that name is
//     StateMachineAlreadyExists, one being deleted StateMachineDeleting.
//   - Delete marks the state machine DELETING; it stays so for
//     Server.DeletingPolls Describe calls, then is gone
//     (StateMachineDoesNotExist). Update of a DELETING one is
//     StateMachineDeleting.
//   - Update needs a definition, role, logging or tracing configuration
//     (MissingRequiredParameter otherwise).
//   - Tag keys starting with "aws:" are refused on TagResource and
//     UntagResource, as AWS reserves them; Server.SetTag can plant one.
//   - Validate reports FAIL for a definition that is not JSON, has no
//     StartAt, or whose StartAt or a Next names no state.
//
// It also runs executions of its state machines as a test scripts them
// (StartExecution, DescribeExecution, GetExecutionHistory, StopExecution):
// see executions.go; and it lists and redrives them (ListExecutions,
// RedriveExecution): see redrive.go.
package sfnfake
