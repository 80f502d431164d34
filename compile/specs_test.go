package compile_test

import (
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
)

// BenchmarkFillSpecsOnePipeline measures what a daemon pays, besides
// the compile cache's work, for a pipeline changed among 1,000: the specs
// of its resources compiled again (the project, stores and compute
// environments with it) for the plan's fields and the apply.
func BenchmarkFillSpecsOnePipeline(b *testing.B) {
	r := benchRepo(b, 1000)
	in := compile.Input{Project: r.project, Documents: r.docs, Env: "prod", Revision: "rev", Cache: compile.NewHashCache()}
	res, diags := compile.Compile(in)
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	in.Cache = nil
	one := func(r *sluice.Resource) bool { return r.Source == "Pipeline/pipeline-7" }
	b.ReportAllocs()
	for b.Loop() {
		for i := range res {
			res[i].Spec = nil
		}
		if err := compile.FillSpecs(in, res, one); err != nil {
			b.Fatal(err)
		}
	}
}
