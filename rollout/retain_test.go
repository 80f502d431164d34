package rollout_test

import (
	"runtime"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/schema"
)

// TestRetainedPerPipeline guards what a daemon keeps between reconciles
// for each pipeline of an environment: the loader's cache of the
// repository, the environment's compile cache and its desired set,
// compiled as the daemon compiles them (a hash cache, specs dropped). It
// counts the objects and bytes still reachable after a collection, per
// pipeline, and fails well above what was measured (92 objects, 9.5 KB:
// each pipeline's source and its resources' hashes and names; with the
// pipelines' plain values and typed specs kept, 729 objects and 50 KB;
// with the specs and tags kept too, 101 KB); no spec may be kept. Live
// objects and bytes do not depend on the machine's load. The specs are
// then compiled again from the released pipelines, with the hashes they
// were planned with; a load and compilation of the same revision in
// between reads no pipeline again.
func TestRetainedPerPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and compiles 100 pipelines")
	}
	const n = 100
	files := benchrepo.Files(n)
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	before := live()
	l, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := l.Load(t.Context(), project.NewMemory(files))
	if err != nil {
		t.Fatal(err)
	}
	cache := compile.NewHashCache()
	d := rollout.Compile(snap, "prod", "0123456789abcdef0123456789abcdef01234567", cache)
	if len(d.Findings) > 0 || len(d.Resources) < 18*n {
		t.Fatalf("%d resources, findings %v", len(d.Resources), d.Findings)
	}
	d.DropSpecs()
	d.ReleaseDocuments()
	after := live() // the desired set holds the snapshot, as the daemon's does
	for _, r := range d.Resources {
		if r.Spec != nil {
			t.Fatalf("%s keeps its spec", r.ID)
		}
	}
	if _, res, specs := cache.Len(); res < 18*n || specs != 0 {
		t.Fatalf("the cache holds %d resources and %d bytes of specs", res, specs)
	}
	objects := float64(after.objects-before.objects) / n
	bytes := float64(after.bytes-before.bytes) / n
	runtime.KeepAlive(l)
	runtime.KeepAlive(d)
	runtime.KeepAlive(cache)
	t.Logf("retained per pipeline: %.0f objects, %.0f bytes", objects, bytes)
	if limit := 150.0; objects > limit {
		t.Errorf("%.0f objects retained per pipeline, more than %.0f", objects, limit)
	}
	if limit := 14e3; bytes > limit {
		t.Errorf("%.0f bytes retained per pipeline, more than %.0f", bytes, limit)
	}
	// A reconcile of the same revision (a drift tick) loads and compiles
	// again without reading any pipeline.
	again, err := l.Load(t.Context(), project.NewMemory(benchrepo.Files(n)))
	if err != nil {
		t.Fatal(err)
	}
	if d2 := rollout.Compile(again, "prod", d.Revision, cache); len(d2.Resources) != len(d.Resources) {
		t.Fatalf("compiled again: %d resources, want %d", len(d2.Resources), len(d.Resources))
	}
	for _, doc := range again.Documents {
		if doc.Kind == dsl.KindPipeline && doc.InMemory() {
			t.Fatalf("%s was read again by a load and compilation of the same revision", doc.ID())
		}
	}
	in := compile.Input{Project: snap.Project, Documents: snap.Valid("prod"), Env: "prod", Revision: d.Revision}
	if err := compile.FillSpecs(in, d.Resources, func(*sluice.Resource) bool { return true }); err != nil {
		t.Fatalf("compiling the specs again after the release: %v", err)
	}
	for _, r := range d.Resources {
		if r.Spec == nil {
			t.Fatalf("%s has no spec after FillSpecs", r.ID)
		}
	}
}

type heap struct{ objects, bytes uint64 }

// live returns the objects and bytes reachable after a collection.
func live() heap {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return heap{ms.HeapObjects, ms.HeapAlloc}
}
