package reconcile_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// goldenSpecs returns the specs the compiler emits for the kinds golden
// file: a state machine, job definitions, queues, compute, buckets.
func goldenSpecs(b *testing.B) []json.RawMessage {
	b.Helper()
	raw, err := os.ReadFile("../compile/testdata/kinds.dev.golden.json")
	if err != nil {
		b.Fatal(err)
	}
	var rs []struct{ Spec json.RawMessage }
	if err := json.Unmarshal(raw, &rs); err != nil {
		b.Fatal(err)
	}
	out := make([]json.RawMessage, len(rs))
	for i, r := range rs {
		out[i] = r.Spec
	}
	return out
}

// BenchmarkDriftCheck compares an observation with its baseline the way
// a drift check does for every resource it reads: SameJSON, what the
// plan used before it listed fields, against DiffSpecs, which it uses
// now. Nothing differs, as in most cycles.
func BenchmarkDriftCheck(b *testing.B) {
	specs := goldenSpecs(b)
	b.Run("SameJSON", func(b *testing.B) {
		for b.Loop() {
			for _, s := range specs {
				if !reconcile.SameJSON(s, s) {
					b.Fatal("differs")
				}
			}
		}
	})
	b.Run("DiffSpecs", func(b *testing.B) {
		for b.Loop() {
			for _, s := range specs {
				if len(reconcile.DiffSpecs(s, s)) != 0 {
					b.Fatal("differs")
				}
			}
		}
	})
}

// BenchmarkPlanDriftCheck plans a drift check of 19,000 resources (what
// 1,000 pipelines compile to), each read back as it was applied: every
// desired resource compared with its baseline and its observation.
func BenchmarkPlanDriftCheck(b *testing.B) {
	specs := goldenSpecs(b)
	const n = 19000
	in := reconcile.PlanInput{Observed: make(map[sluice.ResourceID]sluice.Observation, n)}
	for i := range n {
		spec := specs[i%len(specs)]
		id := sluice.ResourceID(fmt.Sprintf("JobDefinition/p%05d", i))
		in.Desired = append(in.Desired, sluice.Resource{ID: id, Type: sluice.TypeJobDefinition, Name: string(id), Hash: "h", Spec: spec})
		in.Applied = append(in.Applied, reconcile.Applied{ID: id, Type: sluice.TypeJobDefinition, Name: string(id), SpecHash: "h",
			Spec: spec, Observed: spec})
		in.Observed[id] = sluice.Observation{Exists: true, Spec: spec}
	}
	plan := func(b *testing.B) {
		for b.Loop() {
			if p := reconcile.ComputePlan(in); len(p.Changes) != 0 || p.Unchanged != n {
				b.Fatalf("%d changes, %d unchanged; want none and %d", len(p.Changes), p.Unchanged, n)
			}
		}
	}
	b.Run("all-at-once", plan)
	// What is left after the last read when each observation was
	// compared as it arrived (Applied.CompareObserved).
	for i := range in.Applied {
		in.Applied[i].CompareObserved(in.Observed[in.Applied[i].ID])
	}
	b.Run("compared-ahead", plan)
}
