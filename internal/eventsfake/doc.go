// Package eventsfake is a test peer for Amazon EventBridge at the SDK's
// HTTP layer: an httptest server speaking the service's JSON 1.1
// protocol (POST /, X-Amz-Target: AWSEvents.<Operation>), for the rules
// of the default event bus.
//
// It exists because the kumo emulator, though it serves rules, targets
// and tags, matches no event pattern that uses "$or" (the run events'
// rule does, to match Step Functions and Batch events in one rule),
// deletes a rule that still has targets (EventBridge refuses), and names
// a default-bus rule rule/default/NAME where EventBridge says rule/NAME.
// It covers, as the EventBridge API reference documents them (the SDK
// carries its text):
//
//   - PutRule creates or replaces a rule (a replaced rule's Description
//     and State not given go back to none and ENABLED); tags are set only
//     on creation and ignored on a replacement. A rule needs an
//     EventPattern or a ScheduleExpression (ValidationException); a name
//     outside [.-_A-Za-z0-9]{1,64} is a ValidationException; a pattern
//     that is not a JSON object of the forms below is
//     InvalidEventPatternException.
//   - DescribeRule and ListTargetsByRule of an unknown rule are
//     ResourceNotFoundException; DeleteRule of one is a success ("all
//     calls will succeed"); DeleteRule of a rule that has targets is a
//     ValidationException ("remove all targets" first).
//   - PutTargets adds or replaces targets by Id, at most 5 a rule (the
//     default quota; more is LimitExceededException); RemoveTargets
//     removes them by Id; both answer FailedEntryCount 0.
//   - ListRules by NamePrefix, Limit (default 100) and NextToken, by name.
//   - TagResource, UntagResource, ListTagsForResource of a rule's ARN.
//   - TestEventPattern matches an event (JSON with id, account, source,
//     time, region) against a pattern: object keys match nested fields;
//     an array lists the values a field may have (strings, numbers,
//     booleans, null) or content filters {"prefix": s}, {"exists": b}
//     and {"anything-but": value or list}; "$or" holds a list of
//     patterns of which one must match. A field that is an array in the
//     event matches when any of its elements does.
//
// Not covered: custom event buses, managed rules, PutEvents and
// delivery, the other content filters (numeric, suffix, wildcard, cidr,
// equals-ignore-case), RoleArn and input transformers of targets,
// throttling.
package eventsfake
