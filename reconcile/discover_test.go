package reconcile_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

func TestNameFromARN(t *testing.T) {
	for _, tc := range []struct {
		typ       sluice.ResourceType
		arn, want string
	}{
		{sluice.TypeStateMachine, "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-train", "churn-dev-train"},
		{sluice.TypeSchedule, "arn:aws:scheduler:us-east-1:000000000000:schedule/default/churn-dev-nightly", "churn-dev-nightly"},
		{sluice.TypeBucket, "arn:aws:s3:::churn-dev-artifacts", "churn-dev-artifacts"},
		{sluice.TypeDBInstance, "arn:aws:rds:us-east-1:000000000000:db:churn-dev-metadata", "churn-dev-metadata"},
		{sluice.TypeComputeEnvironment, "arn:aws:batch:us-east-1:000000000000:compute-environment/churn-dev-cpu", "churn-dev-cpu"},
		{sluice.TypeJobQueue, "arn:aws:batch:us-east-1:000000000000:job-queue/churn-dev-cpu", "churn-dev-cpu"},
		{sluice.TypeJobDefinition, "arn:aws:batch:us-east-1:000000000000:job-definition/churn-dev-train_fit:12", "churn-dev-train_fit"},
	} {
		if got := reconcile.NameFromARN(tc.typ, tc.arn); got != tc.want {
			t.Errorf("NameFromARN(%s, %s) = %q, want %q", tc.typ, tc.arn, got, tc.want)
		}
	}
}

// discovered is what a backend's Discover reports of a resource of id.
func discovered(id, arn, hash string) sluice.Observation {
	return sluice.Observation{Exists: true, ARN: arn, Tags: map[string]string{
		sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "churn", sluice.TagEnvironment: "dev",
		sluice.TagResource: id, sluice.TagSpecHash: hash, "team": "ml"}}
}

func TestRebuild(t *testing.T) {
	got, err := reconcile.Rebuild([]sluice.Observation{
		discovered("StateMachine/train", "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-train", "h3"),
		discovered("Bucket/artifacts", "arn:aws:s3:::churn-dev-artifacts", "h1"),
		discovered("DBInstance/metadata", "arn:aws:rds:us-east-1:000000000000:db:churn-dev-metadata", "h2"),
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []reconcile.Applied{
		{ID: "Bucket/artifacts", Type: sluice.TypeBucket, Name: "churn-dev-artifacts", ARN: "arn:aws:s3:::churn-dev-artifacts",
			SpecHash: "h1", Deletion: sluice.DeletionRetain},
		{ID: "DBInstance/metadata", Type: sluice.TypeDBInstance, Name: "churn-dev-metadata",
			ARN: "arn:aws:rds:us-east-1:000000000000:db:churn-dev-metadata", SpecHash: "h2", Deletion: sluice.DeletionRetain},
		{ID: "StateMachine/train", Type: sluice.TypeStateMachine, Name: "churn-dev-train",
			ARN: "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-train", SpecHash: "h3", Deletion: sluice.DeletionDelete},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Rebuild =\n%+v\nwant\n%+v", got, want)
	}
}

func TestRebuildRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		found []sluice.Observation
		want  []string
	}{
		{"two resources claim one ID", []sluice.Observation{
			discovered("Bucket/artifacts", "arn:aws:s3:::churn-dev-artifacts", "h1"),
			discovered("Bucket/artifacts", "arn:aws:s3:::churn-dev-artifacts-copy", "h1"),
		}, []string{"Bucket/artifacts", "arn:aws:s3:::churn-dev-artifacts ", "arn:aws:s3:::churn-dev-artifacts-copy"}},
		{"a resource tag that is not Type/name", []sluice.Observation{
			discovered("artifacts", "arn:aws:s3:::churn-dev-artifacts", "h1"),
		}, []string{"arn:aws:s3:::churn-dev-artifacts", `"artifacts"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := reconcile.Rebuild(tc.found)
			if err == nil {
				t.Fatalf("Rebuild = %+v, want an error", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}
