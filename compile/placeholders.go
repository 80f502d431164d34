package compile

import "github.com/sluice-dev/sluice"

// Placeholders stand, in specs, for values only the environment's target
// knows at apply time. The backend that applies a spec replaces each one;
// a spec hash covers the placeholder, not its value, so a new ARN never
// looks like a change of the documents.
const (
	// PlaceholderPartition is the AWS partition ("aws", "aws-cn", ...).
	PlaceholderPartition = "${aws.partition}"
	// PlaceholderRegion is the region of the environment's target.
	PlaceholderRegion = "${aws.region}"
	// PlaceholderAccount is the account ID of the environment's target.
	PlaceholderAccount = "${aws.accountId}"
	// PlaceholderStatesRole is the ARN of the role Step Functions runs
	// pipelines with (batch:SubmitJob, events for .sync, s3:GetObject and
	// PutObject on the artifact buckets, states:StartExecution for
	// distributed foreach); part of the daemon's target configuration.
	PlaceholderStatesRole = "${target.stepFunctionsRoleArn}"
	// PlaceholderSchedulerRole is the ARN of the role EventBridge
	// Scheduler starts executions with (states:StartExecution).
	PlaceholderSchedulerRole = "${target.schedulerRoleArn}"
)

// ARNPlaceholder returns the placeholder for the ARN of another desired
// resource, "${Type/name.arn}", which is known once it exists.
func ARNPlaceholder(id sluice.ResourceID) string { return "${" + string(id) + ".arn}" }
