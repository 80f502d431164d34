package compile_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

// TestCheckRun checks that a run start checks the declarations when it
// knows them, and only sizes when it does not.
func TestCheckRun(t *testing.T) {
	spec := &compile.RunSpec{Parameters: map[string]dsl.Parameter{"epochs": {Type: "integer"}}}
	huge := strings.Repeat("x", 9000)
	tests := []struct {
		name  string
		spec  *compile.RunSpec
		given map[string]any
		want  string
	}{
		{"known: a misspelt name", spec, map[string]any{"epoch": 3}, "did you mean"},
		{"known: fits", spec, map[string]any{"epochs": 3}, ""},
		{"unknown: any name passes", nil, map[string]any{"epoch": 3}, ""},
		{"unknown: too large still refused", nil, map[string]any{"epoch": huge}, "allows 8192"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(compile.CheckRun(tt.spec, tt.given), "; ")
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("CheckRun = %q, want %q", got, tt.want)
			}
		})
	}
}

// items is a list of n numbers.
func items(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestCheckRunItems: a list parameter longer than a foreach over it
// takes is refused before the run starts, naming the parameter, its
// length, the step, the cap and what to do; the cap is the foreach's
// maxItems, inline or distributed, else its share of the history, and
// is the number the compiled guard compares with.
func TestCheckRunItems(t *testing.T) {
	pipeline := func(foreach string) string {
		return base + pipelineDoc("  parameters: {xs: {type: list}}\n  steps:\n"+
			"    - {name: a, foreach: {over: parameters.xs, step: b, join: c"+foreach+"}}\n"+
			"    - {name: b, next: c}\n"+
			"    - {name: c}\n")
	}
	tests := []struct {
		name, foreach string
		given         int
		want          []string // fragments of the one message; none: accepted
	}{
		{"inline maxItems, within", ", maxItems: 10", 10, nil},
		{"inline maxItems, over", ", maxItems: 10", 11,
			[]string{`parameter "xs" has 11 items`, `foreach of step "a" takes at most 10 (its maxItems)`, "raise maxItems", "mode: distributed"}},
		{"distributed maxItems, over", ", maxItems: 5, mode: distributed", 6,
			[]string{`parameter "xs" has 6 items`, `step "a" takes at most 5 (its maxItems)`}},
		{"no maxItems, within the history", "", 3000, nil},
		{"no maxItems, past the history", "", 3200,
			[]string{`parameter "xs" has 3200 items`, `step "a" runs inline and takes at most 31`, "25000 events", "declare maxItems", "mode: distributed"}},
		{"distributed without maxItems: no cap", ", mode: distributed", 50000, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(pipeline(tt.foreach)))
			spec := compile.RunDeclarations(compile.Input{Project: r.project, Documents: r.docs, Env: "dev"}, "p")
			if spec == nil {
				t.Fatal("RunDeclarations: nil, want the pipeline's")
			}
			// Only the problems of the list's length: a list this long
			// may also be too large for the overrides (CheckParameterSizes).
			var got []string
			for _, msg := range compile.CheckRun(spec, map[string]any{"xs": items(tt.given)}) {
				if strings.HasPrefix(msg, `parameter "xs" has`) {
					got = append(got, msg)
				}
			}
			if len(tt.want) == 0 {
				if len(got) > 0 {
					t.Errorf("CheckRun = %q, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("CheckRun = %q, want one problem", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("CheckRun = %q, want %q in it", got[0], w)
				}
			}
			// The guard compiled into the state machine compares with
			// the same number.
			res := mustCompile(t, r, "dev")
			check := stateOf(t, definitions(t, res)["StateMachine/p"], "a.items-check")
			limit := spec.Items[0].Max
			if !strings.Contains(string(check), fmt.Sprintf(`"NumericGreaterThan":%d`, limit)) {
				t.Errorf("guard %s, want the cap %d CheckRun uses", check, limit)
			}
		})
	}
}

// stateOf finds the state named name anywhere in a definition.
func stateOf(t *testing.T, raw json.RawMessage, name string) json.RawMessage {
	t.Helper()
	var def map[string]any
	if err := json.Unmarshal(raw, &def); err != nil {
		t.Fatal(err)
	}
	var find func(v any) any
	find = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			if states, ok := x["States"].(map[string]any); ok && states[name] != nil {
				return states[name]
			}
			for _, y := range x {
				if f := find(y); f != nil {
					return f
				}
			}
		case []any:
			for _, y := range x {
				if f := find(y); f != nil {
					return f
				}
			}
		}
		return nil
	}
	st := find(def)
	if st == nil {
		t.Fatalf("no state %s", name)
	}
	b, _ := json.Marshal(st)
	return b
}

// TestRunDeclarationsUnknown: no such pipeline, or no project, gives
// nil (sizes checked only).
func TestRunDeclarationsUnknown(t *testing.T) {
	r := loadRepo(t, "repo.yaml", []byte(base+pipelineDoc("  steps: [{name: a}]\n")))
	if s := compile.RunDeclarations(compile.Input{Project: r.project, Documents: r.docs, Env: "dev"}, "q"); s != nil {
		t.Errorf("no pipeline q: %+v, want nil", s)
	}
	if s := compile.RunDeclarations(compile.Input{Documents: r.docs, Env: "dev"}, "p"); s != nil {
		t.Errorf("no project: %+v, want nil", s)
	}
}

// TestCheckRunFrom: a run from another run's step takes the origin's
// parameters, so a required one the origin had is given; what is given
// replaces the origin's and is checked, names included; an origin's name
// the pipeline no longer declares is not refused.
func TestCheckRunFrom(t *testing.T) {
	spec := &compile.RunSpec{
		Parameters: map[string]dsl.Parameter{"data": {Type: "string", Required: true}, "xs": {Type: "list"}},
		Items:      []compile.ItemLimit{{Parameter: "xs", Step: "a", Max: 2, Declared: true}},
	}
	origin := map[string]any{"data": "s3://b/k", "old": 1, "xs": items(2)}
	tests := []struct {
		name   string
		origin map[string]any
		given  map[string]any
		want   string
	}{
		{"the origin's required parameter counts as given", origin, nil, ""},
		{"without an origin it is missing", nil, nil, `parameter "data" is required`},
		{"given replaces the origin's and is checked", origin, map[string]any{"data": 3}, `parameter "data" must be a string`},
		{"a misspelt given name", origin, map[string]any{"dta": "x"}, "did you mean"},
		{"a given list past the cap", origin, map[string]any{"xs": items(3)}, `parameter "xs" has 3 items`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strings.Join(compile.CheckRunFrom(spec, tt.origin, tt.given), "; ")
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("CheckRunFrom = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestItemValuesAtCompile: a list default or a schedule's list longer
// than the foreach over it takes is a finding where the value is
// written: every run using it would fail.
func TestItemValuesAtCompile(t *testing.T) {
	for _, tt := range []struct{ name, spec, field string }{
		{"default", "  parameters: {xs: {type: list, default: [1, 2, 3]}}\n", "the default of parameter"},
		{"schedule", "  parameters: {xs: {type: list}}\n  schedule: {rate: 1 day, parameters: {xs: [1, 2, 3]}}\n", "the schedule's parameter"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(base+pipelineDoc(tt.spec+"  steps:\n"+
				"    - {name: a, foreach: {over: parameters.xs, step: b, join: c, maxItems: 2}}\n"+
				"    - {name: b, next: c}\n"+
				"    - {name: c}\n")))
			_, diags := r.compile("dev", "r")
			if len(diags) != 1 || diags[0].Code != "limit.items" || diags[0].Pos.Line != 27+strings.Count(tt.spec, "\n")-1 ||
				!strings.Contains(diags[0].Message, tt.field+` "xs" has 3 items`) {
				t.Errorf("findings %v, want one limit.items on line %d: %s", diags, 27+strings.Count(tt.spec, "\n")-1, tt.field)
			}
		})
	}
}
