package reconcile_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

type world struct {
	backend *memBackend
	store   *memStore
	applier *reconcile.Applier
}

func newWorld() *world {
	b, s := newMemBackend(), newMemStore()
	backends := map[sluice.ResourceType]reconcile.Backend{}
	for _, t := range []sluice.ResourceType{sluice.TypeBucket, sluice.TypeComputeEnvironment, sluice.TypeJobQueue, sluice.TypeJobDefinition, sluice.TypeStateMachine, sluice.TypeSchedule} {
		backends[t] = b
	}
	return &world{backend: b, store: s, applier: &reconcile.Applier{Backends: backends, Store: s, Project: "p", Env: "dev", Workers: 3}}
}

// cycle plans against the store's inventory and what the backend holds,
// applies, and returns the results.
func (w *world) cycle(t *testing.T, desired []sluice.Resource, prune bool) []reconcile.Result {
	t.Helper()
	observed := map[sluice.ResourceID]sluice.Observation{}
	for _, a := range w.store.applied() {
		o, _ := w.backend.Observe(context.Background(), sluice.Target{Resource: sluice.Resource{Name: a.Name}})
		observed[a.ID] = o
	}
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: desired, Applied: w.store.applied(), Observed: observed, AllowPrune: prune})
	w.applier.Vars = reconcile.Vars(map[string]string{"${aws.region}": "us-east-1"}, w.store.applied())
	results, err := w.applier.Apply(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return results
}

func repo() []sluice.Resource {
	return []sluice.Resource{
		owned("Bucket/art", "p-dev-art", "1"),
		owned("ComputeEnvironment/cpu", "p-dev-cpu", "1"),
		owned("JobQueue/cpu", "p-dev-cpu-q", "1", "ComputeEnvironment/cpu"),
		owned("JobDefinition/x.a", "p-dev-x-a", "1"),
		owned("StateMachine/x", "p-dev-x", "1", "JobDefinition/x.a", "JobQueue/cpu", "Bucket/art"),
	}
}

func TestApplyConverges(t *testing.T) {
	w := newWorld()
	for _, r := range w.cycle(t, repo(), true) {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Change.ID, r.Err)
		}
	}
	created := w.backend.mutations()
	if len(created) != 5 {
		t.Fatalf("first apply made %v, want 5 creations", created)
	}
	// Dependencies first: the queue after its compute environment, the
	// state machine last.
	if i, j := slices.Index(created, "create p-dev-cpu"), slices.Index(created, "create p-dev-cpu-q"); i > j {
		t.Errorf("queue created before its compute environment: %v", created)
	}
	if created[len(created)-1] != "create p-dev-x" {
		t.Errorf("state machine not last: %v", created)
	}
	before := len(w.backend.mutations())
	w.cycle(t, repo(), true)
	if after := w.backend.mutations(); len(after) != before {
		t.Errorf("second apply of the same documents mutated: %v", after[before:])
	}
	if len(w.store.open) != 0 {
		t.Errorf("journal still holds %d operations", len(w.store.open))
	}
}

func TestApplyRefusesToAdopt(t *testing.T) {
	w := newWorld()
	w.backend.objects["p-dev-art"] = sluice.Observation{Exists: true, ARN: "arn:someone-else", Tags: map[string]string{"team": "other"}}
	results := w.cycle(t, repo()[:1], true)
	if d, _ := sluice.RetryOf(results[0].Err); d != sluice.RetryStalled || !strings.Contains(results[0].Err.Error(), "refusing to adopt") {
		t.Fatalf("got %v, want a stalled refusal to adopt", results[0].Err)
	}
	if len(w.backend.mutations()) != 0 || len(w.store.applied()) != 0 {
		t.Errorf("an unowned resource was touched or recorded: %v", w.backend.mutations())
	}
}

func TestApplyAdoptsItsOwnAfterACrash(t *testing.T) {
	// A crash between Create and Save leaves a resource that carries
	// Sluice's tags but is missing from the inventory: the next apply
	// takes it back instead of creating a duplicate.
	w := newWorld()
	r := repo()[0]
	w.backend.objects[r.Name] = sluice.Observation{Exists: true, ARN: "arn:mem:" + r.Name, Tags: r.Tags}
	for _, res := range w.cycle(t, []sluice.Resource{r}, true) {
		if res.Err != nil {
			t.Fatal(res.Err)
		}
	}
	if got := w.backend.mutations(); len(got) != 1 || got[0] != "update p-dev-art" {
		t.Errorf("calls %v, want one update and no create", got)
	}
	if a := w.store.applied(); len(a) != 1 || a[0].ARN != "arn:mem:p-dev-art" {
		t.Errorf("inventory %v, want the existing ARN recorded", a)
	}
}

func TestApplySkipsDependentsOfAFailure(t *testing.T) {
	w := newWorld()
	w.backend.fail["p-dev-cpu"] = errors.New("boom")
	results := w.cycle(t, repo(), true)
	byID := map[sluice.ResourceID]error{}
	for _, r := range results {
		byID[r.Change.ID] = r.Err
	}
	if byID["Bucket/art"] != nil || byID["JobDefinition/x.a"] != nil {
		t.Errorf("independent resources failed: %v", byID)
	}
	for _, id := range []sluice.ResourceID{"JobQueue/cpu", "StateMachine/x"} {
		if byID[id] == nil || !strings.Contains(byID[id].Error(), "not attempted") {
			t.Errorf("%s: %v, want not attempted", id, byID[id])
		}
	}
	for _, c := range w.backend.mutations() {
		if strings.Contains(c, "p-dev-cpu-q") || c == "create p-dev-x" {
			t.Errorf("dependent was attempted: %s", c)
		}
	}
}

func TestApplyDeletesOnlyWhatItOwns(t *testing.T) {
	w := newWorld()
	w.cycle(t, repo(), true)
	// Someone removed the ownership tags from the state machine.
	o := w.backend.objects["p-dev-x"]
	o.Tags = map[string]string{}
	w.backend.objects["p-dev-x"] = o
	results := w.cycle(t, repo()[:4], true)
	var deleteErr error
	for _, r := range results {
		if r.Change.ID == "StateMachine/x" {
			deleteErr = r.Err
		}
	}
	if d, _ := sluice.RetryOf(deleteErr); d != sluice.RetryStalled {
		t.Fatalf("deleting an untagged resource: %v, want stalled", deleteErr)
	}
	if _, still := w.backend.objects["p-dev-x"]; !still {
		t.Error("an untagged resource was deleted")
	}
}

func TestApplyReplaceRespectsRetain(t *testing.T) {
	w := newWorld()
	r := repo()[0]
	r.Deletion = sluice.DeletionRetain
	w.cycle(t, []sluice.Resource{r}, true)
	w.backend.replace[r.Name] = true
	r.Hash = "2"
	results := w.cycle(t, []sluice.Resource{r}, true)
	if d, _ := sluice.RetryOf(results[0].Err); d != sluice.RetryStalled {
		t.Fatalf("replacing a retained resource: %v, want stalled", results[0].Err)
	}
	if _, still := w.backend.objects[r.Name]; !still {
		t.Error("a retained resource was deleted for a replacement")
	}
}

// TestRecoverPendingCreate models a crash between a create and the save
// of its identity, after which the resource left the documents: Recover
// puts it in the inventory, so the next plan prunes it instead of leaving
// it in AWS untracked.
func TestRecoverPendingCreate(t *testing.T) {
	w := newWorld()
	r := repo()[4]
	w.backend.objects[r.Name] = sluice.Observation{Exists: true, ARN: "arn:mem:" + r.Name, Tags: r.Tags}
	seq, _ := w.store.BeginOp(reconcile.Change{ID: r.ID, Action: reconcile.ActionCreate, Desired: &r})
	foreign := owned("StateMachine/other", "p-dev-other", "1")
	foreign.Tags = map[string]string{"team": "x"}
	w.backend.objects[foreign.Name] = sluice.Observation{Exists: true, ARN: "arn:mem:other", Tags: foreign.Tags}
	seq2, _ := w.store.BeginOp(reconcile.Change{ID: foreign.ID, Action: reconcile.ActionCreate, Desired: &foreign})
	ops := []reconcile.PendingOp{
		{Seq: seq, ID: r.ID, Action: reconcile.ActionCreate, Name: r.Name, SpecHash: r.Hash, Source: "Pipeline/x"},
		{Seq: seq2, ID: foreign.ID, Action: reconcile.ActionCreate, Name: foreign.Name, Source: "Pipeline/other"},
	}
	if err := w.applier.Recover(context.Background(), ops, nil); err != nil {
		t.Fatal(err)
	}
	inv := w.store.applied()
	if len(inv) != 1 || inv[0].ID != r.ID || inv[0].ARN != "arn:mem:"+r.Name {
		t.Fatalf("inventory %v, want only the pending create's own resource", inv)
	}
	if len(w.store.open) != 0 {
		t.Errorf("%d ops still open", len(w.store.open))
	}
	w.cycle(t, repo()[:1], true)
	if _, still := w.backend.objects[r.Name]; still {
		t.Error("the recovered resource was not pruned once gone from the documents")
	}
	if _, still := w.backend.objects[foreign.Name]; !still {
		t.Error("a resource without Sluice's tags was touched")
	}
}
