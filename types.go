package sluice

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownType is returned (wrapped, naming the type) for a resource
// type Sluice does not know: one a newer version recorded, or a resource
// tag changed by hand. Nothing is done to such a resource by default.
var ErrUnknownType = errors.New("unknown resource type")

// TypeInfo is what Sluice knows of one resource type, in one place: every
// stage that treats types differently reads it here rather than
// switching on the type with a fallback.
type TypeInfo struct {
	Type ResourceType
	// Rank is the type's place in apply order, from 0: stores and compute
	// before queues, job definitions before state machines, schedules
	// last; deletions go in reverse.
	Rank int
	// Deletion is the deletion policy of a resource whose document is not
	// at hand (an inventory rebuilt from tags, a journal settled after a
	// crash): retain for the stateful types, whose loss cannot be undone.
	Deletion DeletionPolicy
	// Document is the kind of document the compiler makes the type from.
	Document string
	// stepOfPipeline is set when the resource's logical name is
	// "pipeline.step" and the document is the pipeline.
	stepOfPipeline bool
	// IAMService is the IAM service prefix of the type's actions and ARNs
	// ("states", "batch", "s3", "rds", "scheduler", "sqs", "events").
	IAMService string
	// arnPrefix is what the type's ARNs have between the account and the
	// resource's name ("job-queue/"); global is set for a type whose
	// ARNs name neither region nor account (S3 buckets).
	arnPrefix string
	global    bool
	// Local reports whether the embedded local backend manages the type.
	Local bool
	// NotLocal says why the local backend does not manage the type, when
	// Local is false: what stands in for it on one machine.
	NotLocal string
}

// notLocalRunEvents is why the run events' rule and queue have no local
// counterpart.
const notLocalRunEvents = "not applicable on the local backend: its interpreter records runs directly, no events are needed"

// Types returns every resource type the compiler emits, in apply order.
func Types() []TypeInfo {
	t := types()
	return t[:]
}

// types is the registry: a value, so that looking a type up allocates
// nothing (a plan looks up every resource's).
func types() [9]TypeInfo {
	t := [...]TypeInfo{
		{Type: TypeBucket, Deletion: DeletionRetain, Document: "ArtifactStore", IAMService: "s3", global: true},
		{Type: TypeDBInstance, Deletion: DeletionRetain, Document: "MetadataStore", IAMService: "rds", arnPrefix: "db:"},
		{Type: TypeComputeEnvironment, Deletion: DeletionDelete, Document: "ComputeEnvironment", IAMService: "batch",
			arnPrefix: "compute-environment/"},
		{Type: TypeJobQueue, Deletion: DeletionDelete, Document: "ComputeEnvironment", IAMService: "batch",
			arnPrefix: "job-queue/"},
		{Type: TypeJobDefinition, Deletion: DeletionDelete, Document: "Pipeline", stepOfPipeline: true,
			IAMService: "batch", arnPrefix: "job-definition/"},
		// The run events of an environment: its queue before its rule
		// (the rule's target), both before the state machines whose
		// executions they record. One of each per project and
		// environment, named after the project.
		{Type: TypeEventQueue, Deletion: DeletionDelete, Document: "Project", IAMService: "sqs", NotLocal: notLocalRunEvents},
		{Type: TypeEventRule, Deletion: DeletionDelete, Document: "Project", IAMService: "events", arnPrefix: "rule/",
			NotLocal: notLocalRunEvents},
		{Type: TypeStateMachine, Deletion: DeletionDelete, Document: "Pipeline", IAMService: "states",
			arnPrefix: "stateMachine:"},
		// A schedule's ARN names its group, which only its spec says.
		{Type: TypeSchedule, Deletion: DeletionDelete, Document: "Pipeline", IAMService: "scheduler",
			arnPrefix: "schedule/*/"},
	}
	for i := range t {
		t[i].Rank, t[i].Local = i, t[i].NotLocal == ""
	}
	return t
}

// LookupType returns what Sluice knows of t; an unknown type is an error
// wrapping ErrUnknownType.
func LookupType(t ResourceType) (TypeInfo, error) {
	for _, info := range types() {
		if info.Type == t {
			return info, nil
		}
	}
	return TypeInfo{}, fmt.Errorf("%w %q", ErrUnknownType, t)
}

// TypeOfID returns the type of a resource ID, "Type/name", and fails
// when the ID has no type or one Sluice does not know.
func TypeOfID(id ResourceID) (TypeInfo, error) {
	typ, name, ok := strings.Cut(string(id), "/")
	if !ok || typ == "" || name == "" {
		return TypeInfo{}, fmt.Errorf("resource id %q is not Type/name", id)
	}
	return LookupType(ResourceType(typ))
}

// SourceOf returns the document (Kind/name) the compiler makes the
// resource id from: an ArtifactStore makes a Bucket, a MetadataStore a
// DBInstance, a ComputeEnvironment its compute environment and queue, a
// Pipeline its state machine, schedule and job definitions (named
// "pipeline.step"), a Project its environment's run events' queue and
// rule (named after the project). It fails for an ID of an unknown type.
func SourceOf(id ResourceID) (string, error) {
	info, err := TypeOfID(id)
	if err != nil {
		return "", err
	}
	_, name, _ := strings.Cut(string(id), "/")
	if info.stepOfPipeline {
		name, _, _ = strings.Cut(name, ".")
	}
	return info.Document + "/" + name, nil
}

// ARN returns the ARN of a resource of the type named name in the given
// partition, region and account ("*" stands for any); a schedule's group
// is "*".
func (i TypeInfo) ARN(partition, region, account, name string) string {
	if i.global {
		return "arn:" + partition + ":" + i.IAMService + ":::" + name
	}
	return "arn:" + partition + ":" + i.IAMService + ":" + region + ":" + account + ":" + i.arnPrefix + name
}
