package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
)

// testLineageCopies records a run r1 that wrote a model, a run r2 that
// reused r1's step (its copy names r1's model as its source) and a run
// r3 that reused r2's, and traces r3's copy back to r1, the run that
// wrote it; once r1 is pruned, the trace stops at r2's copy.
func testLineageCopies(t *testing.T, f Factory) {
	ctx := context.Background()
	s := f.open(t, f.New(t))
	var uris []string
	for i, name := range []string{"r1", "r2", "r3"} {
		r := run("dev", "training", name, i*10)
		a := sluice.AttemptRecord{RunID: r.ID, Step: "train", Path: "train", Attempt: 1, Status: sluice.ExecutionSucceeded, Started: t0()}
		art := sluice.ArtifactRecord{RunID: r.ID, Path: "train", Attempt: 1, URI: "s3://b/training/" + name + "/train/model.pkl",
			Size: 9, Checksum: "sha256:aa", Written: t0()}
		if i > 0 {
			a.OriginRun, a.OriginAttempt, art.Source = run("dev", "training", "r1", 0).ID, 1, uris[i-1]
		}
		mustPut(t, s, r, []sluice.AttemptRecord{a}, []sluice.ArtifactRecord{art})
		uris = append(uris, art.URI)
		got, err := s.Run(ctx, "dev", name)
		if err != nil || !reflect.DeepEqual(got.Attempts, []sluice.AttemptRecord{a}) || !reflect.DeepEqual(got.Artifacts, []sluice.ArtifactRecord{art}) {
			t.Fatalf("run %s read back: %+v, %v; want attempt %+v and artifact %+v", name, got, err, a, art)
		}
	}
	l, err := s.Lineage(ctx, uris[2])
	if err != nil {
		t.Fatal(err)
	}
	if l.Run.Name != "r1" || l.Artifact.URI != uris[0] || l.Attempt.Path != "train" || len(l.Copies) != 2 ||
		l.Copies[0].URI != uris[2] || l.Copies[1].URI != uris[1] {
		t.Fatalf("lineage of a copy of a copy: %+v; want r1's model, through r3's and r2's copies", l)
	}
	// r1 ended at minute 1, r2 at minute 11: prune r1 only.
	if n, err := s.Prune(ctx, t0().Add(5*60e9)); err != nil || n != 1 {
		t.Fatalf("prune: %d, %v; want r1 pruned", n, err)
	}
	l, err = s.Lineage(ctx, uris[2])
	if err != nil || l.Run.Name != "r2" || l.Artifact.URI != uris[1] || len(l.Copies) != 1 {
		t.Fatalf("lineage once the original's run is pruned: %+v, %v; want r2's copy", l, err)
	}
}
