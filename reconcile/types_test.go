package reconcile_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestCheckBackends: a map of backends that misses a type of the
// registry, or holds one it does not know, is refused by name.
func TestCheckBackends(t *testing.T) {
	b := newMemBackend()
	full := map[sluice.ResourceType]reconcile.Backend{}
	for _, info := range sluice.Types() {
		full[info.Type] = b
	}
	if err := reconcile.CheckBackends(full, false); err != nil {
		t.Fatalf("every type has a backend: %v", err)
	}
	missing := map[sluice.ResourceType]reconcile.Backend{}
	for k, v := range full {
		missing[k] = v
	}
	delete(missing, sluice.TypeSchedule)
	missing["Queue"] = b
	err := reconcile.CheckBackends(missing, false)
	if err == nil || !strings.Contains(err.Error(), "no backend for Schedule") || !strings.Contains(err.Error(), "Queue") {
		t.Errorf("CheckBackends = %v, want the missing Schedule and the unknown Queue named", err)
	}
}

// TestUnknownTypeIsNeverDeleted: an inventory record of a type this
// version does not know (a newer one recorded it) is held with a reason
// saying so, never pruned by a default.
func TestUnknownTypeIsNeverDeleted(t *testing.T) {
	applied := []reconcile.Applied{
		{ID: "Queue/x", Type: "Queue", Name: "p-dev-x", Deletion: sluice.DeletionDelete, SpecHash: "1"},
		{ID: "JobQueue/y", Type: sluice.TypeJobQueue, Name: "p-dev-y", Deletion: sluice.DeletionDelete, SpecHash: "1"},
	}
	p := reconcile.ComputePlan(reconcile.PlanInput{Desired: repo(), Applied: applied, AllowPrune: true})
	got := map[sluice.ResourceID]reconcile.Change{}
	for _, c := range p.Changes {
		got[c.ID] = c
	}
	if c := got["Queue/x"]; c.Action != reconcile.ActionHold || !strings.Contains(c.Reason, "unknown resource type") {
		t.Errorf("Queue/x: %s (%s), want hold for an unknown type", c.Action, c.Reason)
	}
	if c := got["JobQueue/y"]; c.Action != reconcile.ActionDelete {
		t.Errorf("JobQueue/y: %s, want delete (a known type gone from the documents, prune allowed)", c.Action)
	}
}

// TestRebuildRefusesUnknownType: a resource whose ownership tag names a
// type Sluice does not know stops the rebuild with an error naming it,
// rather than entering the inventory with a guessed deletion policy.
func TestRebuildRefusesUnknownType(t *testing.T) {
	found := []sluice.Observation{{Exists: true, ARN: "arn:aws:sqs:r:1:q", Tags: map[string]string{sluice.TagResource: "Queue/x"}}}
	_, err := reconcile.Rebuild(found)
	if !errors.Is(err, sluice.ErrUnknownType) {
		t.Errorf("Rebuild = %v, want ErrUnknownType", err)
	}
	found[0] = sluice.Observation{Exists: true, ARN: "arn:aws:s3:::b", Tags: map[string]string{sluice.TagResource: "Bucket/b"}}
	inv, err := reconcile.Rebuild(found)
	if err != nil || len(inv) != 1 || inv[0].Deletion != sluice.DeletionRetain {
		t.Errorf("Rebuild of a bucket = %+v, %v; want it retained by default", inv, err)
	}
}

// TestRecoverRefusesUnknownType: a journal op of an unknown type stays
// open with an error, rather than being closed as if settled.
func TestRecoverRefusesUnknownType(t *testing.T) {
	w := newWorld()
	seq, _ := w.store.BeginOp(reconcile.Change{ID: "Queue/x", Action: reconcile.ActionCreate})
	err := w.applier.Recover(context.Background(), []reconcile.PendingOp{{Seq: seq, ID: "Queue/x", Action: reconcile.ActionCreate, Name: "p-dev-x"}}, nil)
	if !errors.Is(err, sluice.ErrUnknownType) {
		t.Errorf("Recover = %v, want ErrUnknownType", err)
	}
	if len(w.store.open) != 1 {
		t.Errorf("%d ops open, want the unknown one kept", len(w.store.open))
	}
}
