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
	// documentName returns the name of that document from the resource's
	// logical name; nil when they are the same.
	documentName func(name string) string
	// IAMService is the IAM service prefix of the type's actions and ARNs
	// ("states", "batch", "s3", "rds", "scheduler", "sqs", "events").
	IAMService string
	// arn formats the ARN of a resource of the type named name.
	arn func(partition, region, account, name string) string
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
	regional := func(service, prefix string) func(p, r, a, n string) string {
		return func(p, r, a, n string) string {
			return "arn:" + p + ":" + service + ":" + r + ":" + a + ":" + prefix + n
		}
	}
	pipelineOfStep := func(name string) string {
		pipeline, _, _ := strings.Cut(name, ".")
		return pipeline
	}
	types := []TypeInfo{
		{Type: TypeBucket, Deletion: DeletionRetain, Document: "ArtifactStore", IAMService: "s3",
			arn: func(p, _, _, n string) string { return "arn:" + p + ":s3:::" + n }},
		{Type: TypeDBInstance, Deletion: DeletionRetain, Document: "MetadataStore", IAMService: "rds",
			arn: regional("rds", "db:")},
		{Type: TypeComputeEnvironment, Deletion: DeletionDelete, Document: "ComputeEnvironment", IAMService: "batch",
			arn: regional("batch", "compute-environment/")},
		{Type: TypeJobQueue, Deletion: DeletionDelete, Document: "ComputeEnvironment", IAMService: "batch",
			arn: regional("batch", "job-queue/")},
		{Type: TypeJobDefinition, Deletion: DeletionDelete, Document: "Pipeline", documentName: pipelineOfStep,
			IAMService: "batch", arn: regional("batch", "job-definition/")},
		// The run events of an environment: its queue before its rule
		// (the rule's target), both before the state machines whose
		// executions they record. One of each per project and
		// environment, named after the project.
		{Type: TypeEventQueue, Deletion: DeletionDelete, Document: "Project", IAMService: "sqs",
			arn: regional("sqs", ""), NotLocal: notLocalRunEvents},
		{Type: TypeEventRule, Deletion: DeletionDelete, Document: "Project", IAMService: "events",
			arn: regional("events", "rule/"), NotLocal: notLocalRunEvents},
		{Type: TypeStateMachine, Deletion: DeletionDelete, Document: "Pipeline", IAMService: "states",
			arn: regional("states", "stateMachine:")},
		// A schedule's ARN names its group, which only its spec says.
		{Type: TypeSchedule, Deletion: DeletionDelete, Document: "Pipeline", IAMService: "scheduler",
			arn: regional("scheduler", "schedule/*/")},
	}
	for i := range types {
		types[i].Rank, types[i].Local = i, types[i].NotLocal == ""
	}
	return types
}

// LookupType returns what Sluice knows of t; an unknown type is an error
// wrapping ErrUnknownType.
func LookupType(t ResourceType) (TypeInfo, error) {
	for _, info := range Types() {
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
	if info.documentName != nil {
		name = info.documentName(name)
	}
	return info.Document + "/" + name, nil
}

// ARN returns the ARN of a resource of the type named name in the given
// partition, region and account ("*" stands for any); a schedule's group
// is "*".
func (i TypeInfo) ARN(partition, region, account, name string) string {
	return i.arn(partition, region, account, name)
}
