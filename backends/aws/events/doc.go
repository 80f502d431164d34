// Package events is the reconcile.Backend of EventRule resources: the
// EventBridge rule, on the account's default event bus, that sends an
// environment's Step Functions execution status changes and Batch job
// state changes to its event queue.
//
// The spec is PutRule's input as the compiler emits it (Name,
// Description, EventPattern, State) plus the rule's Targets (Id, Arn),
// which PutTargets sets. A rule's key is its name; its recorded
// identity is its ARN, arn:PARTITION:events:REGION:ACCOUNT:rule/NAME.
//
// # Operations
//
// Observe reads the rule (DescribeRule), its tags (ListTagsForResource)
// and its targets (ListTargetsByRule). PutRule creates a rule or
// replaces one of the same name, so Create reads the name first: a rule
// carrying Sluice's ownership tags for the resource is brought in line
// as Update would, any other is refused (stalled). Update sends PutRule
// when the rule differs, PutTargets for the targets that differ and
// RemoveTargets for those not desired, and TagResource/UntagResource
// for the tags (PutRule sets tags only on a new rule). Delete removes
// the rule's targets first, as EventBridge refuses to delete a rule
// that has any (DeleteRule), then the rule.
package events
