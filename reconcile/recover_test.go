package reconcile_test

import (
	"context"
	"maps"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// adoptingBackend is memBackend with the Adopter a backend offers for
// `sluice adopt`: it sets the tags asked for beside those there.
type adoptingBackend struct{ *memBackend }

func (a adoptingBackend) Adopt(_ context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, "adopt "+t.Name)
	current.Tags = reconcile.AdoptedTags(t, current)
	a.objects[t.Name] = current
	return current, nil
}

// TestRecoverCreateCutBeforeTagging models a crash between a create and
// the separate call that tags the new resource (S3 tags a bucket after
// creating it): Recover finishes the create the journal proves was
// begun, tagging the untagged resource and saving it, so that it is not
// refused as someone else's forever after. A resource that carries any
// tag, or none read at all, is left alone.
func TestRecoverCreateCutBeforeTagging(t *testing.T) {
	tests := []struct {
		name    string
		tags    map[string]string
		adopted bool
	}{
		{"no tag at all", map[string]string{}, true},
		{"a tag of someone else's", map[string]string{"team": "x"}, false},
		{"tags unknown", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			b := adoptingBackend{w.backend}
			for typ := range w.applier.Backends {
				w.applier.Backends[typ] = b
			}
			r := repo()[0]
			w.backend.objects[r.Name] = sluice.Observation{Exists: true, ARN: "arn:mem:" + r.Name, Tags: maps.Clone(tt.tags)}
			seq, _ := w.store.BeginOp(reconcile.Change{ID: r.ID, Action: reconcile.ActionCreate, Desired: &r})
			op := reconcile.PendingOp{Seq: seq, ID: r.ID, Action: reconcile.ActionCreate, Name: r.Name, SpecHash: r.Hash, Source: r.Source}
			if err := w.applier.Recover(context.Background(), []reconcile.PendingOp{op}, nil); err != nil {
				t.Fatal(err)
			}
			inv := w.store.applied()
			got := w.backend.objects[r.Name]
			if tt.adopted {
				if len(inv) != 1 || inv[0].ID != r.ID || inv[0].SpecHash != r.Hash {
					t.Fatalf("inventory %+v, want the resource the cut create made", inv)
				}
				if !got.Owned("p", "dev", r.ID) || got.Tags[sluice.TagSpecHash] != r.Hash {
					t.Errorf("tags after recovery %v, want Sluice's for p/dev/%s", got.Tags, r.ID)
				}
				return
			}
			if len(inv) != 0 {
				t.Errorf("inventory %+v, want nothing taken in", inv)
			}
			if !maps.Equal(got.Tags, tt.tags) {
				t.Errorf("tags %v changed, want %v left alone", got.Tags, tt.tags)
			}
		})
	}
}
