package sluice_test

import (
	"errors"
	"testing"

	"github.com/sluice-dev/sluice"
)

// allTypes are the resource type constants; a new one must be added here
// and to the registry, or this test fails.
func allTypes() []sluice.ResourceType {
	return []sluice.ResourceType{
		sluice.TypeBucket, sluice.TypeDBInstance, sluice.TypeComputeEnvironment, sluice.TypeJobQueue,
		sluice.TypeJobDefinition, sluice.TypeStateMachine, sluice.TypeSchedule,
		sluice.TypeEventQueue, sluice.TypeEventRule,
	}
}

func TestRegistryHasEveryTypeOnce(t *testing.T) {
	types := sluice.Types()
	if len(types) != len(allTypes()) {
		t.Fatalf("registry holds %d types, want %d", len(types), len(allTypes()))
	}
	for i, info := range types {
		if info.Rank != i {
			t.Errorf("%s: rank %d at position %d", info.Type, info.Rank, i)
		}
		if info.Document == "" || info.IAMService == "" || info.Deletion == "" {
			t.Errorf("%s: incomplete entry %+v", info.Type, info)
		}
		if info.ARN("aws", "r", "1", "n") == "" {
			t.Errorf("%s: no ARN", info.Type)
		}
		if info.Local == (info.NotLocal != "") {
			t.Errorf("%s: local %v with reason %q: a type the local backend does not manage says why, and only then", info.Type, info.Local, info.NotLocal)
		}
	}
	for _, typ := range allTypes() {
		if _, err := sluice.LookupType(typ); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

func TestRegistryOrderAndDeletion(t *testing.T) {
	rank := func(typ sluice.ResourceType) int {
		info, err := sluice.LookupType(typ)
		if err != nil {
			t.Fatal(err)
		}
		return info.Rank
	}
	before := [][2]sluice.ResourceType{
		{sluice.TypeBucket, sluice.TypeStateMachine},
		{sluice.TypeComputeEnvironment, sluice.TypeJobQueue},
		{sluice.TypeJobQueue, sluice.TypeStateMachine},
		{sluice.TypeJobDefinition, sluice.TypeStateMachine},
		{sluice.TypeStateMachine, sluice.TypeSchedule},
		{sluice.TypeEventQueue, sluice.TypeEventRule},
		{sluice.TypeEventRule, sluice.TypeStateMachine},
	}
	for _, b := range before {
		if rank(b[0]) >= rank(b[1]) {
			t.Errorf("%s must be applied before %s", b[0], b[1])
		}
	}
	for _, typ := range allTypes() {
		info, _ := sluice.LookupType(typ)
		stateful := typ == sluice.TypeBucket || typ == sluice.TypeDBInstance
		if want := map[bool]sluice.DeletionPolicy{true: sluice.DeletionRetain, false: sluice.DeletionDelete}[stateful]; info.Deletion != want {
			t.Errorf("%s: default deletion %s, want %s", typ, info.Deletion, want)
		}
	}
}

func TestUnknownTypeIsAnError(t *testing.T) {
	if _, err := sluice.LookupType("Queue"); !errors.Is(err, sluice.ErrUnknownType) {
		t.Errorf("LookupType(Queue) = %v, want ErrUnknownType", err)
	}
	for _, id := range []sluice.ResourceID{"Queue/x", "noslash", "Bucket/"} {
		if s, err := sluice.SourceOf(id); err == nil {
			t.Errorf("SourceOf(%s) = %q, want an error", id, s)
		}
	}
}

func TestSourceOfAndARN(t *testing.T) {
	cases := []struct {
		id     sluice.ResourceID
		source string
		arn    string
	}{
		{"Bucket/data", "ArtifactStore/data", "arn:aws:s3:::n"},
		{"DBInstance/meta", "MetadataStore/meta", "arn:aws:rds:eu-west-1:123:db:n"},
		{"ComputeEnvironment/cpu", "ComputeEnvironment/cpu", "arn:aws:batch:eu-west-1:123:compute-environment/n"},
		{"JobQueue/cpu", "ComputeEnvironment/cpu", "arn:aws:batch:eu-west-1:123:job-queue/n"},
		{"JobDefinition/train.fit", "Pipeline/train", "arn:aws:batch:eu-west-1:123:job-definition/n"},
		{"StateMachine/train", "Pipeline/train", "arn:aws:states:eu-west-1:123:stateMachine:n"},
		{"Schedule/train", "Pipeline/train", "arn:aws:scheduler:eu-west-1:123:schedule/*/n"},
		{"EventQueue/churn", "Project/churn", "arn:aws:sqs:eu-west-1:123:n"},
		{"EventRule/churn", "Project/churn", "arn:aws:events:eu-west-1:123:rule/n"},
	}
	for _, c := range cases {
		got, err := sluice.SourceOf(c.id)
		if err != nil || got != c.source {
			t.Errorf("SourceOf(%s) = %q, %v; want %q", c.id, got, err, c.source)
		}
		info, _ := sluice.TypeOfID(c.id)
		if arn := info.ARN("aws", "eu-west-1", "123", "n"); arn != c.arn {
			t.Errorf("%s: ARN %s, want %s", c.id, arn, c.arn)
		}
	}
}

// TestRunEventsAreNotLocal: the run events' queue and rule are AWS
// only, and say so; every other type is managed by the local backend.
func TestRunEventsAreNotLocal(t *testing.T) {
	for _, info := range sluice.Types() {
		aws := info.Type == sluice.TypeEventQueue || info.Type == sluice.TypeEventRule
		if info.Local == aws {
			t.Errorf("%s: local %v, want %v", info.Type, info.Local, !aws)
		}
	}
}
