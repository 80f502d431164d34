package sfn_test

import (
	"context"
	"maps"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// TestLifecycleKumo creates a compiled state machine, observes it, retags
// it, creates it again and deletes it against kumo, reading back each
// effect.
func TestLifecycleKumo(t *testing.T) {
	srv := kumotest.Start(t)
	api, c := client(t, srv.URL)
	b := newBackend(api, true)
	ctx := context.Background()
	tgt := goldenStateMachine(t, "kinds.dev.golden.json")

	obs, err := b.Create(ctx, tgt)
	if err != nil {
		t.Fatal(err)
	}
	tgt.ARN = obs.ARN
	got, err := b.Observe(ctx, tgt)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Exists || got.Status != "ACTIVE" || got.InProgress || !got.Owned("churn", "dev", tgt.ID) {
		t.Fatalf("observed %+v", got)
	}
	assertSpec(t, got, tgt)
	if !mapsEqual(got.Tags, tgt.Tags) {
		t.Errorf("tags = %v, want %v", got.Tags, tgt.Tags)
	}

	retagged := tgt
	retagged.Tags = maps.Clone(tgt.Tags)
	delete(retagged.Tags, "team")
	retagged.Tags["stage"] = "dev"
	c.Reset()
	if _, err := b.Update(ctx, retagged, got); err != nil {
		t.Fatal(err)
	}
	assertMutations(t, c, map[string]int{"UntagResource": 1, "TagResource": 1})
	after, err := b.Observe(ctx, retagged)
	if err != nil {
		t.Fatal(err)
	}
	if !mapsEqual(after.Tags, retagged.Tags) {
		t.Errorf("tags after retag = %v, want %v", after.Tags, retagged.Tags)
	}

	again, err := b.Create(ctx, retagged)
	if err != nil || again.ARN != obs.ARN {
		t.Errorf("second Create = %+v, %v; want the same state machine back", again, err)
	}

	if err := b.Delete(ctx, tgt, after); err != nil {
		t.Fatalf("Delete = %v", err)
	}
	gone, err := b.Observe(ctx, tgt)
	if err != nil || gone.Exists {
		t.Fatalf("after Delete: %+v, %v", gone, err)
	}
}

func TestCreateRefusalsKumo(t *testing.T) {
	srv := kumotest.Start(t)
	api, c := client(t, srv.URL)
	b := newBackend(api, true)
	ctx := context.Background()
	if err := createRaw(api, twoDef, nil); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		tgt  sluice.Target
	}{
		{name: "name taken by an untagged state machine", tgt: target("churn-dev-etl", passDef, nil)},
		{name: "definition kumo's validator rejects", tgt: target("churn-dev-bad", brokenDef, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := b.Create(ctx, tt.tgt); decision(err) != sluice.RetryStalled {
				t.Fatalf("Create = %v, want stalled", err)
			}
		})
	}
	if obs, err := b.Observe(ctx, target("churn-dev-bad", brokenDef, nil)); err != nil || obs.Exists {
		t.Errorf("the invalid state machine: %+v, %v; want never created", obs, err)
	}
	if n := c.Calls("SFN", "CreateStateMachine"); n != 2 {
		t.Errorf("%d CreateStateMachine calls, want 2: the untagged one and the refused one, none for the invalid one", n)
	}
}
