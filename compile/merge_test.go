package compile

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sluice-dev/sluice"
)

// mergeByID gives what sorting the union gives, whatever the chunks'
// order: in pipeline order (the usual case, checked only where chunks
// meet) or shuffled (a type's stretch sorted again).
func TestMergeByIDSortsTheUnion(t *testing.T) {
	types := []sluice.ResourceType{sluice.TypeStateMachine, sluice.TypeJobDefinition, sluice.TypeSchedule, sluice.TypeBucket}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tt := range []struct {
		name    string
		chunks  int
		shuffle bool
	}{
		{name: "none", chunks: 0},
		{name: "one", chunks: 1},
		{name: "in order", chunks: 40},
		{name: "shuffled", chunks: 40, shuffle: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var chunks []cacheEntry
			var all []sluice.Resource
			for c := range tt.chunks {
				var ch []sluice.Resource
				for _, typ := range types {
					for k := range rng.IntN(4) {
						id := resourceID(typ, fmt.Sprintf("p%03d.s%d", c, k))
						ch = append(ch, sluice.Resource{ID: id, Type: typ})
					}
				}
				all = append(all, ch...)
				chunks = append(chunks, cacheEntry{out: sortByID(ch)})
			}
			if tt.shuffle {
				rng.Shuffle(len(chunks), func(i, j int) { chunks[i], chunks[j] = chunks[j], chunks[i] })
			}
			got, places := mergeByID(chunks, true)
			want := sortByID(slices.Clone(all))
			if tt.shuffle != (places == nil) && tt.chunks > 1 {
				t.Errorf("places given: %v, want them for chunks in order only", places != nil)
			}
			for c, p := range places {
				for k, at := range p {
					if got[at].ID != chunks[c].out[k].ID {
						t.Fatalf("chunk %d resource %d placed at %d, which holds %s, not %s", c, k, at, got[at].ID, chunks[c].out[k].ID)
					}
				}
			}
			if len(got) != len(want) {
				t.Fatalf("%d resources, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i].ID != want[i].ID {
					t.Fatalf("resource %d is %s, want %s", i, got[i].ID, want[i].ID)
				}
			}
		})
	}
}
