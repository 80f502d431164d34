package sluice

import "encoding/json"

// ResourceType names a kind of AWS (or local) resource Sluice manages.
type ResourceType string

// The resource types the compiler emits, in the order they are created.
const (
	TypeBucket             ResourceType = "Bucket"
	TypeDBInstance         ResourceType = "DBInstance"
	TypeComputeEnvironment ResourceType = "ComputeEnvironment"
	TypeJobQueue           ResourceType = "JobQueue"
	TypeJobDefinition      ResourceType = "JobDefinition"
	TypeStateMachine       ResourceType = "StateMachine"
	TypeSchedule           ResourceType = "Schedule"
	// TypeEventQueue is the SQS queue an environment's run events are
	// delivered to; TypeEventRule the EventBridge rule that sends them.
	TypeEventQueue ResourceType = "EventQueue"
	TypeEventRule  ResourceType = "EventRule"
)

// ResourceID is the stable identity of a desired resource: "Type/name",
// where name is the logical name, independent of environment and project.
type ResourceID string

// DeletionPolicy says what pruning a resource does.
type DeletionPolicy string

// Deletion policies. Stateful kinds default to Retain.
const (
	DeletionDelete DeletionPolicy = "delete"
	DeletionRetain DeletionPolicy = "retain"
)

// Resource is one desired resource, as the compiler emits it for one
// environment. Spec is normalised JSON (sorted keys, no insignificant
// whitespace) and Hash is the SHA-256 of what decides whether the resource
// must change.
type Resource struct {
	ID   ResourceID   `json:"id"`
	Type ResourceType `json:"type"`
	// Name is the physical AWS name, unique per project and environment
	// and within the service's length and character limits.
	Name string `json:"name"`
	// Source is the ID (Kind/name) of the document the resource comes from.
	Source string `json:"source"`
	// File is the repository-relative path of the file that document is
	// in. A file that cannot be read holds what was last applied from it.
	File string `json:"file,omitempty"`
	// DependsOn lists resources that must exist before this one.
	DependsOn []ResourceID `json:"dependsOn,omitempty"`
	// Deletion is what pruning does to it.
	Deletion DeletionPolicy `json:"deletion"`
	// Tags are the ownership and user tags the resource carries.
	Tags map[string]string `json:"tags"`
	Spec json.RawMessage   `json:"spec"`
	Hash string            `json:"hash"`
	// Notes are said in a plan that changes the resource: fields its
	// document leaves out that Sluice leaves as they are (see
	// Note.Applies). They are not part of Hash.
	Notes []Note `json:"notes,omitempty"`
}

// Ownership tag keys every resource Sluice creates carries. Pruning
// requires them.
const (
	TagManagedBy   = "sluice.dev/managed-by"
	TagProject     = "sluice.dev/project"
	TagEnvironment = "sluice.dev/environment"
	TagResource    = "sluice.dev/resource"
	TagSpecHash    = "sluice.dev/spec-hash"
	ManagedByValue = "sluice"
)
