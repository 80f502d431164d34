package awsapi

import (
	"time"

	"github.com/sluice-dev/sluice"
)

// Delays before looking again at a resource another operation keeps
// busy, per service: how long its transitions usually take.
const (
	waitBatch     = 15 * time.Second
	waitSFN       = 10 * time.Second
	waitS3        = 5 * time.Second
	waitRDS       = 30 * time.Second
	waitScheduler = 5 * time.Second
	waitEvents    = 5 * time.Second
	// waitSQS: a queue of the same name deleted less than 60 seconds
	// ago cannot be created again (SQS API reference, CreateQueue:
	// QueueDeletedRecently).
	waitSQS = 60 * time.Second
)

// rules builds a table of codes with one kind each.
func rules(k sluice.Kind, codes ...string) []Rule {
	out := make([]Rule, 0, len(codes))
	for _, c := range codes {
		out = append(out, Rule{Code: c, Kind: k})
	}
	return out
}

// Batch is AWS Batch's table. Batch answers every refusal with
// ClientException (and every fault with ServerException) and says which
// refusal it is in the message: a resource that "does not exist" is not
// found; one still in a "relationship" with another or "being modified"
// (creating, updating, deleting) is in progress; any other
// ClientException is a request Batch refuses as given (AWS Batch API
// reference, "Errors").
func Batch() Service {
	var r []Rule
	r = append(r, Rule{Code: "ClientException", Phrase: "does not exist", Kind: sluice.KindNotFound})
	for _, p := range []string{"relationship", "being modified", "creating", "updating", "deleting"} {
		r = append(r, Rule{Code: "ClientException", Phrase: p, Kind: sluice.KindInProgress})
	}
	r = append(r, Rule{Code: "ClientException", Kind: sluice.KindInvalid},
		Rule{Code: "ServerException", Kind: sluice.KindTransient})
	return Service{Name: "batch", Rules: r, Wait: waitBatch}
}

// StepFunctions is AWS Step Functions' table (Step Functions API
// reference, the Errors section of each action).
func StepFunctions() Service {
	var r []Rule
	r = append(r, rules(sluice.KindInvalid, "InvalidDefinition", "InvalidArn", "InvalidName",
		"InvalidLoggingConfiguration", "InvalidTracingConfiguration", "InvalidEncryptionConfiguration",
		"StateMachineTypeNotSupported", "InvalidExecutionInput", "InvalidToken", "InvalidOutput")...)
	r = append(r, rules(sluice.KindQuota, "StateMachineLimitExceeded", "TooManyTags", "ExecutionLimitExceeded")...)
	r = append(r, rules(sluice.KindPermission, "KmsAccessDeniedException", "KmsInvalidStateException")...)
	r = append(r, rules(sluice.KindThrottled, "KmsThrottlingException")...)
	r = append(r, rules(sluice.KindNotFound, "StateMachineDoesNotExist", "ResourceNotFound", "ExecutionDoesNotExist")...)
	r = append(r, rules(sluice.KindInProgress, "StateMachineDeleting", "ConflictException")...)
	r = append(r, rules(sluice.KindConflict, "StateMachineAlreadyExists", "ExecutionAlreadyExists")...)
	return Service{Name: "sfn", Rules: r, Wait: waitSFN}
}

// S3 is Amazon S3's table (S3 API reference, "Error responses"). A
// NoSuchBucket from a call on a bucket Sluice just created or observed
// is S3 catching up: in progress.
func S3() Service {
	var r []Rule
	r = append(r, rules(sluice.KindConflict, "BucketAlreadyExists", "BucketAlreadyOwnedByYou")...)
	r = append(r, rules(sluice.KindInvalid, "InvalidRequest", "InvalidArgument", "MalformedXML",
		"InvalidBucketName", "InvalidLocationConstraint", "IllegalLocationConstraintException",
		"KMS.NotFoundException", "MalformedPolicy", "InvalidTag")...)
	r = append(r, rules(sluice.KindQuota, "TooManyBuckets")...)
	r = append(r, rules(sluice.KindInProgress, "NoSuchBucket", "OperationAborted")...)
	return Service{Name: "s3", Rules: r, Wait: waitS3}
}

// RDS is Amazon RDS's table (RDS API reference, the Errors section of
// CreateDBInstance, ModifyDBInstance and DeleteDBInstance). wait is the
// delay before looking again at an instance busy in another operation.
func RDS(wait time.Duration) Service {
	if wait <= 0 {
		wait = waitRDS
	}
	var r []Rule
	r = append(r, rules(sluice.KindPermission, "KMSKeyNotAccessibleFault")...)
	r = append(r, rules(sluice.KindConflict, "DBInstanceAlreadyExists", "DBSnapshotAlreadyExists")...)
	r = append(r, rules(sluice.KindInvalid, "DBSubnetGroupNotFoundFault", "DBSecurityGroupNotFound",
		"DBParameterGroupNotFound", "OptionGroupNotFoundFault", "StorageTypeNotSupported",
		"InvalidVPCNetworkStateFault", "InvalidSubnet", "DBSubnetGroupDoesNotCoverEnoughAZs",
		"InvalidDBSubnetGroupStateFault")...)
	r = append(r, rules(sluice.KindQuota, "StorageQuotaExceeded", "InstanceQuotaExceeded",
		"InsufficientDBInstanceCapacity", "SnapshotQuotaExceeded")...)
	r = append(r, rules(sluice.KindInProgress, "InvalidDBInstanceState")...)
	r = append(r, rules(sluice.KindNotFound, "DBInstanceNotFound")...)
	return Service{Name: "rds", Rules: r, Wait: wait}
}

// Scheduler is Amazon EventBridge Scheduler's table (Scheduler API
// reference, "Common errors" and each action's errors). A
// ConflictException on an update or delete is another request changing
// the schedule at the same time: in progress (CreateSchedule's conflict,
// a name taken, is handled by the backend before it gets here).
func Scheduler() Service {
	r := rules(sluice.KindInProgress, "ConflictException")
	return Service{Name: "scheduler", Rules: r, Wait: waitScheduler}
}

// Tagging is the Resource Groups Tagging API's table (its API reference,
// GetResources' errors): a constraint of the organization is a refusal a
// person must resolve; an expired pagination token is retried from the
// start.
func Tagging() Service {
	var r []Rule
	r = append(r, rules(sluice.KindInvalid, "ConstraintViolationException")...)
	r = append(r, rules(sluice.KindTransient, "InternalServiceException", "PaginationTokenExpiredException")...)
	return Service{Name: "tagging", Rules: r}
}

// EventBridge is Amazon EventBridge's table (EventBridge API reference,
// the Errors section of PutRule, PutTargets, DeleteRule, RemoveTargets,
// DescribeRule, TagResource): another request changing the rule at the
// same time is in progress; an event pattern it refuses is invalid; a
// rule another service manages, which only that service may change, is
// a conflict a person must resolve.
func EventBridge() Service {
	var r []Rule
	r = append(r, rules(sluice.KindInProgress, "ConcurrentModificationException")...)
	r = append(r, rules(sluice.KindInvalid, "InvalidEventPatternException", "OperationDisabledException")...)
	r = append(r, rules(sluice.KindConflict, "ManagedRuleException", "ResourceAlreadyExistsException")...)
	r = append(r, rules(sluice.KindTransient, "InternalException")...)
	return Service{Name: "events", Rules: r, Wait: waitEvents}
}

// SQS is Amazon SQS's table (SQS API reference, the Errors section of
// CreateQueue, GetQueueAttributes, SetQueueAttributes, ReceiveMessage,
// DeleteMessageBatch), with the codes of both the JSON protocol and the
// older query protocol ("AWS.SimpleQueueService.NonExistentQueue"). A
// queue deleted less than 60 seconds ago cannot be created again yet: in
// progress; so is a purge already running.
func SQS() Service {
	var r []Rule
	r = append(r, rules(sluice.KindNotFound, "QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")...)
	r = append(r, rules(sluice.KindInProgress, "QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently",
		"PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress")...)
	r = append(r, rules(sluice.KindConflict, "QueueNameExists", "QueueAlreadyExists")...)
	r = append(r, rules(sluice.KindInvalid, "InvalidAttributeName", "InvalidAttributeValue", "InvalidAddress",
		"ReceiptHandleIsInvalid", "InvalidIdFormat", "TooManyEntriesInBatchRequest", "EmptyBatchRequest",
		"BatchEntryIdsNotDistinct", "InvalidBatchEntryId", "UnsupportedOperation",
		"AWS.SimpleQueueService.UnsupportedOperation")...)
	r = append(r, rules(sluice.KindPermission, "InvalidSecurity", "KmsAccessDenied", "KmsDisabled", "KmsInvalidState",
		"KmsNotFound", "KmsOptInRequired")...)
	r = append(r, rules(sluice.KindQuota, "OverLimit")...)
	r = append(r, rules(sluice.KindThrottled, "KmsThrottled")...)
	return Service{Name: "sqs", Rules: r, Wait: waitSQS}
}

// CloudWatchLogs is Amazon CloudWatch Logs' table (CloudWatch Logs API
// reference, GetLogEvents, Errors): a log group or stream that does not
// exist (a Batch job's stream before its container starts) is not found;
// a parameter it refuses is invalid; ServiceUnavailableException is
// transient. ThrottlingException is in the common rules.
func CloudWatchLogs() Service {
	var r []Rule
	r = append(r, rules(sluice.KindNotFound, "ResourceNotFoundException")...)
	r = append(r, rules(sluice.KindInvalid, "InvalidParameterException")...)
	r = append(r, rules(sluice.KindTransient, "ServiceUnavailableException")...)
	return Service{Name: "logs", Rules: r, Wait: waitEvents}
}

// Services returns the table of every service Sluice's AWS backends call.
func Services() []Service {
	return []Service{Batch(), StepFunctions(), S3(), RDS(0), Scheduler(), Tagging(), EventBridge(), SQS(), CloudWatchLogs()}
}
