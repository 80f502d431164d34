package reconcile_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

func res(id, hash, source string) sluice.Resource {
	typ, _, _ := strings.Cut(id, "/")
	return sluice.Resource{ID: sluice.ResourceID(id), Type: sluice.ResourceType(typ), Name: "phys-" + id, Source: source,
		Hash: hash, Deletion: sluice.DeletionDelete, Spec: json.RawMessage(`{"a":1}`)}
}

func applied(id, hash, source string, deletion sluice.DeletionPolicy) reconcile.Applied {
	typ, _, _ := strings.Cut(id, "/")
	return reconcile.Applied{ID: sluice.ResourceID(id), Type: sluice.ResourceType(typ), Source: source, SpecHash: hash,
		Deletion: deletion, ARN: "arn:" + id, Spec: json.RawMessage(`{"a":1,"b":[]}`)}
}

// TestPlanRules checks each rule of a plan on a single resource.
func TestPlanRules(t *testing.T) {
	keep := res("StateMachine/keep", "k", "Pipeline/keep")
	keepApplied := applied("StateMachine/keep", "k", "Pipeline/keep", sluice.DeletionDelete)
	tests := []struct {
		name string
		in   reconcile.PlanInput
		want string // "action ID" of the one change, "" for none
	}{
		{"new resource is created",
			reconcile.PlanInput{Desired: []sluice.Resource{res("StateMachine/a", "h1", "Pipeline/a")}}, "create StateMachine/a"},
		{"same hash, not observed: nothing",
			reconcile.PlanInput{Desired: []sluice.Resource{res("StateMachine/a", "h1", "Pipeline/a")},
				Applied: []reconcile.Applied{applied("StateMachine/a", "h1", "Pipeline/a", sluice.DeletionDelete)}}, ""},
		{"changed hash is updated",
			reconcile.PlanInput{Desired: []sluice.Resource{res("StateMachine/a", "h2", "Pipeline/a")},
				Applied: []reconcile.Applied{applied("StateMachine/a", "h1", "Pipeline/a", sluice.DeletionDelete)}}, "update StateMachine/a"},
		{"deleted outside Sluice is created again",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, Applied: []reconcile.Applied{keepApplied},
				Observed: map[sluice.ResourceID]sluice.Observation{keep.ID: {Exists: false}}}, "create StateMachine/keep"},
		{"drift is corrected",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, Applied: []reconcile.Applied{keepApplied},
				Observed: map[sluice.ResourceID]sluice.Observation{keep.ID: {Exists: true, Spec: json.RawMessage(`{"a":2}`)}}}, "update StateMachine/keep"},
		{"same meaning is no drift (empty list, key order)",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, Applied: []reconcile.Applied{keepApplied},
				Observed: map[sluice.ResourceID]sluice.Observation{keep.ID: {Exists: true, Spec: json.RawMessage(`{"b":null, "a":1.0}`)}}}, ""},
		{"a resource in progress is left alone",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, Applied: []reconcile.Applied{keepApplied},
				Observed: map[sluice.ResourceID]sluice.Observation{keep.ID: {Exists: true, InProgress: true, Spec: json.RawMessage(`{"a":2}`)}}}, ""},
		{"gone and allowed is deleted",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, AllowPrune: true,
				Applied: []reconcile.Applied{keepApplied, applied("StateMachine/old", "h", "Pipeline/old", sluice.DeletionDelete)}}, "delete StateMachine/old"},
		{"gone from an invalid document is held",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, AllowPrune: true, Held: map[string]bool{"Pipeline/old": true},
				Applied: []reconcile.Applied{keepApplied, applied("StateMachine/old", "h", "Pipeline/old", sluice.DeletionDelete)}}, "hold StateMachine/old"},
		{"gone while the project file is invalid is held",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, AllowPrune: true, HoldAll: true,
				Applied: []reconcile.Applied{keepApplied, applied("StateMachine/old", "h", "Pipeline/old", sluice.DeletionDelete)}}, "hold StateMachine/old"},
		{"empty desired set is not pruned without an allow",
			reconcile.PlanInput{AllowPrune: true,
				Applied: []reconcile.Applied{applied("StateMachine/old", "h", "Pipeline/old", sluice.DeletionDelete)}}, "hold StateMachine/old"},
		{"empty desired set is pruned with an allow",
			reconcile.PlanInput{AllowPrune: true, AllowEmpty: true,
				Applied: []reconcile.Applied{applied("StateMachine/old", "h", "Pipeline/old", sluice.DeletionDelete)}}, "delete StateMachine/old"},
		{"a retained store is forgotten, not deleted",
			reconcile.PlanInput{Desired: []sluice.Resource{keep}, AllowPrune: true,
				Applied: []reconcile.Applied{keepApplied, applied("Bucket/data", "h", "ArtifactStore/data", sluice.DeletionRetain)}}, "retain Bucket/data"},
		{"without prune allowed, gone is held",
			reconcile.PlanInput{Desired: []sluice.Resource{keep},
				Applied: []reconcile.Applied{keepApplied, applied("StateMachine/old", "h", "Pipeline/old", sluice.DeletionDelete)}}, "hold StateMachine/old"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := reconcile.ComputePlan(tc.in)
			var got []string
			for _, c := range p.Changes {
				got = append(got, string(c.Action)+" "+string(c.ID))
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("changes %v, want [%s]", got, tc.want)
			}
		})
	}
}

// TestPlanOrder checks creations come in dependency order and deletions
// in reverse.
func TestPlanOrder(t *testing.T) {
	in := reconcile.PlanInput{
		AllowPrune: true,
		Desired: []sluice.Resource{res("Schedule/p", "1", "Pipeline/p"), res("StateMachine/p", "1", "Pipeline/p"),
			res("JobDefinition/p.a", "1", "Pipeline/p"), res("JobQueue/cpu", "1", "ComputeEnvironment/cpu"),
			res("ComputeEnvironment/cpu", "1", "ComputeEnvironment/cpu"), res("Bucket/art", "1", "ArtifactStore/art")},
		Applied: []reconcile.Applied{applied("Schedule/q", "1", "Pipeline/q", sluice.DeletionDelete),
			applied("JobQueue/gpu", "1", "ComputeEnvironment/gpu", sluice.DeletionDelete),
			applied("ComputeEnvironment/gpu", "1", "ComputeEnvironment/gpu", sluice.DeletionDelete),
			applied("StateMachine/q", "1", "Pipeline/q", sluice.DeletionDelete)},
	}
	var got []string
	for _, c := range reconcile.ComputePlan(in).Changes {
		got = append(got, string(c.Action)+" "+string(c.ID))
	}
	want := "create Bucket/art,create ComputeEnvironment/cpu,create JobQueue/cpu,create JobDefinition/p.a,create StateMachine/p,create Schedule/p," +
		"delete Schedule/q,delete StateMachine/q,delete JobQueue/gpu,delete ComputeEnvironment/gpu"
	if strings.Join(got, ",") != want {
		t.Errorf("order\n got  %s\n want %s", strings.Join(got, ","), want)
	}
}
