package reconcile_test

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// rec is an applied record from file, with a spec naming what it refers
// to and recorded dependencies.
func rec(id, file, spec string, deps ...sluice.ResourceID) reconcile.Applied {
	typ, name, _ := strings.Cut(id, "/")
	source := map[string]string{"StateMachine": "Pipeline/", "JobDefinition": "Pipeline/", "JobQueue": "ComputeEnvironment/",
		"ComputeEnvironment": "ComputeEnvironment/", "Bucket": "ArtifactStore/"}[typ] + name
	deletion := sluice.DeletionDelete
	if typ == "Bucket" {
		deletion = sluice.DeletionRetain
	}
	return reconcile.Applied{ID: sluice.ResourceID(id), Type: sluice.ResourceType(typ), Name: "p-dev-" + name, ARN: "arn:" + id,
		Source: source, File: file, DependsOn: deps, SpecHash: "h", Deletion: deletion, Spec: json.RawMessage(spec)}
}

func desiredFrom(a reconcile.Applied, hash string) sluice.Resource {
	return sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name, Source: a.Source, File: a.File, DependsOn: a.DependsOn,
		Hash: hash, Deletion: a.Deletion, Spec: a.Spec}
}

// TestHoldRules checks, rule by rule, that nothing applied from a held
// file, and nothing a kept resource refers to, is changed or pruned.
func TestHoldRules(t *testing.T) {
	other := rec("StateMachine/other", "deploy/other.yaml", `{}`)
	sm := rec("StateMachine/train", "deploy/train.yaml", `{"definition":"{\"JobQueue\":\"p-dev-cpu\",\"JobDefinition\":\"arn:aws:batch:r:1:job-definition/p-dev-train.fit:3\"}"}`,
		"JobQueue/cpu", "JobDefinition/train.fit", "Bucket/data")
	jd := rec("JobDefinition/train.fit", "deploy/train.yaml", `{"jobDefinitionName":"p-dev-train.fit"}`)
	queue := rec("JobQueue/cpu", "deploy/cpu.yaml", `{"computeEnvironmentOrder":[{"computeEnvironment":"p-dev-cpu"}]}`, "ComputeEnvironment/cpu")
	ce := rec("ComputeEnvironment/cpu", "deploy/cpu.yaml", `{"computeEnvironmentName":"p-dev-cpu"}`)
	bucket := rec("Bucket/data", "deploy/data.yaml", `{"Bucket":"p-dev-data"}`)
	deleteBucket := bucket
	deleteBucket.Deletion = sluice.DeletionDelete
	unknown := sm
	unknown.File = ""
	oldSM := sm // a record from before dependencies were recorded
	oldSM.DependsOn = nil
	broken := map[string]string{"deploy/train.yaml": "deploy/train.yaml:3:1: yaml.syntax: found a tab"}

	tests := []struct {
		name string
		in   reconcile.PlanInput
		want []string // "action ID" of every change, sorted
	}{
		{"a resource last applied from a held file is not pruned",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true, HeldFiles: broken,
				Applied: []reconcile.Applied{other, sm, jd}},
			[]string{"hold JobDefinition/train.fit", "hold StateMachine/train"}},
		{"a record whose file is unknown is held while any file is",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true,
				HeldFiles: map[string]string{"deploy/else.yaml": "deploy/else.yaml:1:1: file.empty"},
				Applied:   []reconcile.Applied{other, unknown}},
			[]string{"hold StateMachine/train"}},
		{"a held file holds only what came from it",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true,
				HeldFiles: map[string]string{"deploy/else.yaml": "deploy/else.yaml:1:1: file.empty"},
				Applied:   []reconcile.Applied{other, sm, jd}},
			[]string{"delete JobDefinition/train.fit", "delete StateMachine/train"}},
		{"an update of a resource last applied from a held file is held",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(sm, "h2")}, AllowPrune: true, HeldFiles: broken,
				Applied: []reconcile.Applied{sm}},
			[]string{"hold StateMachine/train"}},
		{"a change from a file now held is held",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(rec("StateMachine/new", "deploy/train.yaml", `{}`), "h")},
				HeldFiles: broken},
			[]string{"hold StateMachine/new"}},
		{"the queue and compute a held pipeline refers to are not pruned",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true,
				Held:    map[string]bool{"Pipeline/train": true},
				Applied: []reconcile.Applied{other, sm, jd, queue, ce, bucket}},
			[]string{"hold ComputeEnvironment/cpu", "hold JobDefinition/train.fit", "hold JobQueue/cpu", "hold StateMachine/train", "retain Bucket/data"}},
		{"a bucket to delete that a held pipeline refers to is not deleted",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true,
				Held:    map[string]bool{"Pipeline/train": true},
				Applied: []reconcile.Applied{other, sm, deleteBucket}},
			[]string{"hold Bucket/data", "hold StateMachine/train"}},
		{"references in a spec count without recorded dependencies",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true,
				Held:    map[string]bool{"Pipeline/train": true},
				Applied: []reconcile.Applied{other, oldSM, queue, ce}},
			[]string{"hold ComputeEnvironment/cpu", "hold JobQueue/cpu", "hold StateMachine/train"}},
		{"what a desired, unchanged resource refers to is not pruned",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(sm, "h")}, AllowPrune: true,
				Applied: []reconcile.Applied{sm, queue, ce}},
			[]string{"hold ComputeEnvironment/cpu", "hold JobQueue/cpu"}},
		{"a name that only begins like a gone one is no reference",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true,
				Applied: []reconcile.Applied{other, rec("StateMachine/large", "deploy/l.yaml", `{"q":"p-dev-cpu-large"}`), queue, ce}},
			[]string{"delete ComputeEnvironment/cpu", "delete JobQueue/cpu", "delete StateMachine/large"}},
		{"what is pruned with its referrers is deleted",
			reconcile.PlanInput{Desired: []sluice.Resource{desiredFrom(other, "h")}, AllowPrune: true,
				Applied: []reconcile.Applied{other, sm, jd, queue, ce}},
			[]string{"delete ComputeEnvironment/cpu", "delete JobDefinition/train.fit", "delete JobQueue/cpu", "delete StateMachine/train"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := reconcile.ComputePlan(tc.in)
			var got []string
			for _, c := range p.Changes {
				got = append(got, string(c.Action)+" "+string(c.ID))
				if c.Action == reconcile.ActionHold && c.Reason == "" {
					t.Errorf("%s held without a reason", c.ID)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("plan\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

// TestHoldReasonNamesReferrer checks that a resource held for a referrer
// says which, and that a held file's finding is in the reason.
func TestHoldReasonNamesReferrer(t *testing.T) {
	sm := rec("StateMachine/train", "deploy/train.yaml", `{}`, "JobQueue/cpu")
	queue := rec("JobQueue/cpu", "deploy/cpu.yaml", `{}`)
	p := reconcile.ComputePlan(reconcile.PlanInput{AllowPrune: true, AllowEmpty: true,
		HeldFiles: map[string]string{"deploy/train.yaml": "deploy/train.yaml:2:3: yaml.syntax: tab"},
		Applied:   []reconcile.Applied{sm, queue}})
	reasons := map[sluice.ResourceID]string{}
	for _, c := range p.Changes {
		reasons[c.ID] = c.Reason
	}
	if !strings.Contains(reasons["StateMachine/train"], "deploy/train.yaml:2:3: yaml.syntax: tab") {
		t.Errorf("held state machine's reason %q does not carry the finding", reasons["StateMachine/train"])
	}
	if !strings.Contains(reasons["JobQueue/cpu"], "StateMachine/train") {
		t.Errorf("held queue's reason %q does not name its referrer", reasons["JobQueue/cpu"])
	}
}

// TestDeletionWaitsForReferrerUpdate checks that a resource whose
// referrer is updated in the same plan to stop referring to it is
// deleted after that update, and not when the update fails.
func TestDeletionWaitsForReferrerUpdate(t *testing.T) {
	sm := rec("StateMachine/train", "deploy/train.yaml", `{"q":"p-dev-cpu"}`, "JobQueue/cpu")
	queue := rec("JobQueue/cpu", "deploy/cpu.yaml", `{}`)
	next := desiredFrom(sm, "h2")
	next.DependsOn, next.Spec = []sluice.ResourceID{"JobQueue/gpu"}, json.RawMessage(`{"q":"p-dev-gpu"}`)
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: []sluice.Resource{next}, AllowPrune: true,
		Applied: []reconcile.Applied{sm, queue}})
	var del *reconcile.Change
	for i := range p.Changes {
		if p.Changes[i].ID == "JobQueue/cpu" {
			del = &p.Changes[i]
		}
	}
	if del == nil || del.Action != reconcile.ActionDelete || !slices.Contains(del.After, "StateMachine/train") {
		t.Fatalf("queue change %+v, want a delete after StateMachine/train", del)
	}
	be := newMemBackend()
	for _, a := range []reconcile.Applied{sm, queue} {
		be.objects[a.Name] = sluice.Observation{Exists: true, ARN: a.ARN, Spec: a.Spec, Tags: map[string]string{
			sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "p", sluice.TagEnvironment: "dev", sluice.TagResource: string(a.ID)}}
	}
	be.fail["p-dev-train"] = sluice.Transient(errors.New("throttled"))
	a := &reconcile.Applier{Backends: map[sluice.ResourceType]reconcile.Backend{"StateMachine": be, "JobQueue": be},
		Store: newMemStore(), Project: "p", Env: "dev", Vars: map[string]string{}}
	results, err := a.Apply(t.Context(), p)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Change.ID == "JobQueue/cpu" && r.Err == nil {
			t.Errorf("the queue's deletion succeeded although the state machine still refers to it")
		}
	}
	if got := be.mutations(); slices.Contains(got, "delete p-dev-cpu") {
		t.Errorf("mutations %v: the queue was deleted while its referrer's update failed", got)
	}
	// Once the referrer's update goes through, the queue goes.
	delete(be.fail, "p-dev-train")
	if _, err := a.Apply(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	if got := be.mutations(); !slices.Contains(got, "delete p-dev-cpu") {
		t.Errorf("mutations %v: the queue was not deleted after its referrer stopped referring to it", got)
	}
}

// TestHoldDependantsOfHeldCreation: a resource to create whose file is
// held is not created, so what needs it, in other files, is held too
// (transitively), with the held file named; what does not need it goes
// ahead, and an update that needs an existing resource is not held.
func TestHoldDependantsOfHeldCreation(t *testing.T) {
	ce := rec("ComputeEnvironment/gpu", "deploy/gpu.yaml", `{}`)
	queue := rec("JobQueue/gpu", "deploy/queues.yaml", `{}`, "ComputeEnvironment/gpu")
	sm := rec("StateMachine/train", "deploy/train.yaml", `{}`, "JobQueue/gpu")
	other := rec("StateMachine/other", "deploy/other.yaml", `{}`)
	existing := rec("JobQueue/cpu", "deploy/queues.yaml", `{}`)
	uses := rec("StateMachine/uses", "deploy/uses.yaml", `{}`, "JobQueue/cpu")
	in := reconcile.PlanInput{
		Desired: []sluice.Resource{desiredFrom(ce, "h"), desiredFrom(queue, "h"), desiredFrom(sm, "h2"), desiredFrom(other, "h"),
			desiredFrom(existing, "h"), desiredFrom(uses, "h2")},
		Applied:   []reconcile.Applied{sm, existing, uses},
		HeldFiles: map[string]string{"deploy/gpu.yaml": "deploy/gpu.yaml:2:1: yaml.syntax: found a tab"},
	}
	want := map[sluice.ResourceID]string{"ComputeEnvironment/gpu": "hold", "JobQueue/gpu": "hold", "StateMachine/train": "hold",
		"StateMachine/other": "create", "StateMachine/uses": "update"}
	p := reconcile.ComputePlan(in)
	got := map[sluice.ResourceID]string{}
	for _, c := range p.Changes {
		got[c.ID] = string(c.Action)
		if c.Action == reconcile.ActionHold && !strings.Contains(c.Reason, "deploy/gpu.yaml is held") {
			t.Errorf("%s held for %q: want the held file named", c.ID, c.Reason)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
	for _, c := range p.Changes {
		if c.ID == "JobQueue/gpu" && !strings.Contains(c.Reason, "it needs ComputeEnvironment/gpu") {
			t.Errorf("the queue's reason %q does not name what it needs", c.Reason)
		}
	}
}
