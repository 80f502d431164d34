package project_test

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/schema"
)

const benchPipelines = 1000

// BenchmarkLoad measures reading a generated repository of 1,000
// pipelines (about 20 steps each, about 4 MB of YAML): parse, validate in
// every environment, and compile for prod.
//
//   - baseline: the straightforward sequential use of the libraries
//     (yaml.v3 into a node, decode to maps, jsonschema validate), no
//     graph checks and no compile;
//   - cold-load-only: a new Loader reading and checking everything in
//     every environment (schemas, step graphs, references), no compile;
//   - cold: the same, then compiling prod (about 25 MB of resources);
//   - incremental: one file changed among 1,000, on a warm Loader and
//     compile cache, as the daemon holds them.
func BenchmarkLoad(b *testing.B) {
	files := benchrepo.Files(benchPipelines)
	b.Run("baseline", func(b *testing.B) {
		sch := mustPipelineSchema(b)
		b.ReportAllocs()
		for b.Loop() {
			baseline(b, sch, files)
		}
	})
	b.Run("cold-load-only", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := newLoader(b).Load(context.Background(), project.NewMemory(files)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			loadAndCompile(b, newLoader(b), nil, project.NewMemory(files))
		}
	})
	b.Run("incremental", func(b *testing.B) {
		// As the daemon holds them: a hash cache, and each change a new
		// commit.
		src := project.NewMemory(files)
		l, cache := newLoader(b), compile.NewHashCache()
		loadAndCompileAt(b, l, cache, src, commitHash(0))
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			src.Set(benchrepo.PipelinePath(i%benchPipelines), benchrepo.Pipeline(i%benchPipelines, i))
			loadAndCompileAt(b, l, cache, src, commitHash(i))
		}
	})
}

// BenchmarkSpeedup prints the cold run's speed relative to the baseline,
// both measured in the same process.
func BenchmarkSpeedup(b *testing.B) {
	files := benchrepo.Files(benchPipelines)
	sch := mustPipelineSchema(b)
	var base, cold time.Duration
	for b.Loop() {
		t0 := time.Now()
		baseline(b, sch, files)
		t1 := time.Now()
		loadAndCompile(b, newLoader(b), nil, project.NewMemory(files))
		base, cold = base+t1.Sub(t0), cold+time.Since(t1)
	}
	b.ReportMetric(float64(base.Milliseconds())/float64(b.N), "baseline-ms/op")
	b.ReportMetric(float64(cold.Milliseconds())/float64(b.N), "cold-ms/op")
	b.ReportMetric(float64(base)/float64(cold), "speedup-x")
}

func newLoader(tb testing.TB) *project.Loader {
	tb.Helper()
	v, err := schema.New()
	if err != nil {
		tb.Fatal(err)
	}
	l, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

func loadAndCompile(tb testing.TB, l *project.Loader, cache *compile.Cache, src project.Source) {
	tb.Helper()
	loadAndCompileAt(tb, l, cache, src, commitHash(0))
}

// commitHash is a 40-character revision, a different one for each i.
func commitHash(i int) string { return fmt.Sprintf("%040x", i+1) }

// loadAndCompileAt loads src and compiles prod at revision.
func loadAndCompileAt(tb testing.TB, l *project.Loader, cache *compile.Cache, src project.Source, revision string) {
	tb.Helper()
	snap, err := l.Load(context.Background(), src)
	if err != nil {
		tb.Fatal(err)
	}
	if len(snap.Diagnostics) > 0 {
		tb.Fatalf("generated repository has findings:\n%v", snap.Diagnostics[:min(5, len(snap.Diagnostics))])
	}
	res, ds := compile.Compile(compile.Input{Project: snap.Project, Documents: snap.Valid("prod"), Env: "prod", Revision: revision, Cache: cache})
	if len(ds) > 0 || len(res) < benchPipelines {
		tb.Fatalf("compile: %d resources, findings %v", len(res), ds)
	}
}

func mustPipelineSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	src, ok := schema.Source("Pipeline")
	if !ok {
		tb.Fatal("no Pipeline schema")
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(src))
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("pipeline.json", doc); err != nil {
		tb.Fatal(err)
	}
	sch, err := c.Compile("pipeline.json")
	if err != nil {
		tb.Fatal(err)
	}
	return sch
}

// baseline is what a first implementation would do: for each file in
// turn, yaml.v3 into a node, decode the node to maps, validate with
// jsonschema.
func baseline(tb testing.TB, sch *jsonschema.Schema, files map[string][]byte) {
	tb.Helper()
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if p == "sluice.yaml" || p == "deploy/infra.yaml" {
			continue
		}
		var n yaml.Node
		if err := yaml.Unmarshal(files[p], &n); err != nil {
			tb.Fatal(err)
		}
		var v map[string]any
		if err := n.Decode(&v); err != nil {
			tb.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			tb.Fatal(fmt.Errorf("%s: %w", p, err))
		}
	}
}
