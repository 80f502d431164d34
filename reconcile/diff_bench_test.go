package reconcile_test

import (
	"encoding/json"
	"os"
	"testing"

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
