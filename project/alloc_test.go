package project_test

import (
	"context"
	"testing"

	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/project"
)

// Guards against the loader's cost creeping up, in allocations (which
// do not depend on the machine's load, unlike time): a cold load of
// generated pipelines, per pipeline, and a reload with one file changed
// among them. The limits sit about a third above what was measured
// (docs/performance.md); a change that crosses one should say why in
// that file.
func TestLoaderAllocationsPerPipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 100 pipelines")
	}
	const n = 100
	files := benchrepo.Files(n)
	cold := allocs(t, func() {
		if _, err := newLoader(t).Load(context.Background(), project.NewMemory(files)); err != nil {
			t.Fatal(err)
		}
	})
	if perPipeline, limit := cold/n, 3700.0; perPipeline > limit {
		t.Errorf("a cold load allocates %.0f times per pipeline, more than %.0f", perPipeline, limit)
	} else {
		t.Logf("cold load: %.0f allocations per pipeline (limit %.0f)", perPipeline, limit)
	}

	src := project.NewMemory(files)
	l := newLoader(t)
	if _, err := l.Load(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	i := 0
	one := allocs(t, func() {
		i++
		src.Set(benchrepo.PipelinePath(7), benchrepo.Pipeline(7, i))
		if _, err := l.Load(context.Background(), src); err != nil {
			t.Fatal(err)
		}
	})
	if limit := 2000.0; one > limit {
		t.Errorf("reloading one changed file among %d allocates %.0f times, more than %.0f", n, one, limit)
	} else {
		t.Logf("one changed file: %.0f allocations (limit %.0f)", one, limit)
	}
}

// allocs returns the mean number of heap allocations of f over a few
// runs (testing.AllocsPerRun: one CPU, after a warm-up run).
func allocs(t *testing.T, f func()) float64 {
	t.Helper()
	return testing.AllocsPerRun(3, f)
}
