package asl_test

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestPipelineFrom runs compiled machines with the input's sluice.from
// (a run that reuses another run's earlier steps): only the named
// top-level step and what follows it run; a name that is no top-level
// step, or none, runs everything.
func TestPipelineFrom(t *testing.T) {
	cases := []struct {
		name, golden, input string
		want                []string
	}{
		{"from a middle step", "linear", `{"parameters":{},"sluice":{"from":"transform"}}`, []string{"transform", "load"}},
		{"from the last step", "linear", `{"parameters":{},"sluice":{"from":"load"}}`, []string{"load"}},
		{"from the first step", "linear", `{"parameters":{},"sluice":{"from":"extract"}}`, []string{"extract", "transform", "load"}},
		{"no step of that name", "linear", `{"parameters":{},"sluice":{"from":"nope"}}`, []string{"extract", "transform", "load"}},
		{"a sluice object without from", "linear", `{"parameters":{},"sluice":{}}`, []string{"extract", "transform", "load"}},
		{"no sluice object", "linear", `{"parameters":{}}`, []string{"extract", "transform", "load"}},
		{"no input at all", "linear", `{}`, []string{"extract", "transform", "load"}},
		{"from the join after a foreach", "foreach-inline", `{"parameters":{"alphas":[1]},"sluice":{"from":"pick"}}`, []string{"pick"}},
		{"a step inside a foreach is not entered", "foreach-inline", `{"parameters":{"alphas":[1]},"sluice":{"from":"train"}}`,
			[]string{"start", "start.foreach/0/train", "start.foreach/0/score", "pick"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &pipeline{}
			if _, _, err := runPipeline(t, c.golden, c.input, p, nil); err != nil {
				t.Fatal(err)
			}
			if got := p.paths(); !slices.Equal(got, c.want) {
				t.Errorf("jobs %v, want %v", got, c.want)
			}
		})
	}
}

// TestPipelineFromHistory counts what Sluice.From adds to a run's
// history: one Choice, entered and exited (compile/budget.go counts it).
func TestPipelineFromHistory(t *testing.T) {
	_, events, err := runPipeline(t, "linear", `{"parameters":{},"sluice":{"from":"load"}}`, &pipeline{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.State == "Sluice.From" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("Sluice.From wrote %d events, want 2 (entered, exited)", n)
	}
}

// TestPipelineRunsVariable checks SLUICE_RUNS: the input's sluice.runs
// as JSON in every job's environment, foreach copies included; {} when
// the input has none.
func TestPipelineRunsVariable(t *testing.T) {
	runs := `{"training":{"artifacts":"s3://churn-dev-artifacts/training","latest":"t-1"}}`
	p := &pipeline{}
	if _, _, err := runPipeline(t, "foreach-inline", `{"parameters":{"alphas":[1]},"sluice":{"runs":`+runs+`}}`, p, nil); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"start", "start.foreach/0/train", "pick"} {
		checkEnv(t, p, path, map[string]string{"SLUICE_RUNS": runs})
	}
	p = &pipeline{}
	s := &store{objects: map[string][]json.RawMessage{
		"churn-dev-artifacts/predict/run-1/shard/shards.json": {json.RawMessage(`"s0"`)},
	}, written: map[string][]json.RawMessage{}}
	if _, _, err := runPipeline(t, "foreach-distributed", `{}`, p, s); err != nil {
		t.Fatal(err)
	}
	for _, j := range p.jobs {
		if j.env["SLUICE_RUNS"] != "{}" {
			t.Errorf("%s: SLUICE_RUNS=%q, want {} for a run whose input has no sluice object", j.path, j.env["SLUICE_RUNS"])
		}
	}
	if len(p.jobs) != 3 {
		t.Fatalf("jobs %v: want shard, one predict, merge", p.paths())
	}
}
