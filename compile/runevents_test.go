package compile_test

import (
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

// TestRunEventsOnlyWithPipelines: an environment with pipelines gets one
// event queue and one rule, named after the project; one without
// pipelines (stores and compute only) gets neither.
func TestRunEventsOnlyWithPipelines(t *testing.T) {
	r := readRepo(t, "testdata/linear.yaml")
	in := compile.Input{Project: r.project, Documents: r.docs, Env: "dev"}
	count := func(res []sluice.Resource) map[sluice.ResourceType]int {
		n := map[sluice.ResourceType]int{}
		for _, r := range res {
			n[r.Type]++
			if r.Type == sluice.TypeEventQueue || r.Type == sluice.TypeEventRule {
				if r.ID != sluice.ResourceID(string(r.Type)+"/"+in.Project.Name) || r.Source != "Project/"+in.Project.Name {
					t.Errorf("%s from %s: want it named after the project and made from its document", r.ID, r.Source)
				}
			}
		}
		return n
	}
	res, diags := compile.Compile(in)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if n := count(res); n[sluice.TypeEventQueue] != 1 || n[sluice.TypeEventRule] != 1 {
		t.Errorf("with pipelines: %d queues, %d rules; want one of each", n[sluice.TypeEventQueue], n[sluice.TypeEventRule])
	}
	var noPipelines []*dsl.Document
	for _, d := range in.Documents {
		if d.Kind != dsl.KindPipeline {
			noPipelines = append(noPipelines, d)
		}
	}
	in.Documents = noPipelines
	res, diags = compile.Compile(in)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if n := count(res); n[sluice.TypeEventQueue]+n[sluice.TypeEventRule] != 0 || len(res) == 0 {
		t.Errorf("without pipelines: %v; want stores and compute only", n)
	}
}
