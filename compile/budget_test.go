package compile_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestForeachBudget checks the history budget of an inline foreach with
// maxItems: within 25,000 events it stays inline; past them, one that
// leaves its mode out is compiled distributed, and one written inline is
// refused at its maxItems, naming the step. A body of one step writes 8
// events per copy, so 3,000 copies fit and 3,200 do not.
func TestForeachBudget(t *testing.T) {
	pipeline := func(foreach string) string {
		return base + pipelineDoc("  steps:\n"+
			"    - {name: a, foreach: {over: outputs.parts, step: b, join: c"+foreach+"}}\n"+
			"    - {name: b, next: c}\n"+
			"    - {name: c}\n")
	}
	cases := []struct {
		name, foreach string
		mode          string // the Map's ProcessorConfig.Mode, "" when refused
		finding       string
	}{
		{"within the budget", ", maxItems: 3000, mode: inline", "INLINE", ""},
		{"no maxItems", "", "INLINE", ""},
		{"over, mode left out", ", maxItems: 3200", "DISTRIBUTED", ""},
		{"over, written inline", ", maxItems: 3200, mode: inline", "", "limit.history"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(pipeline(c.foreach)))
			res, diags := r.compile("dev", "r")
			if c.finding != "" {
				if len(diags) != 1 || diags[0].Code != c.finding || diags[0].Pos.Line != 28 ||
					!strings.Contains(diags[0].Message, `foreach of step "a"`) || !strings.Contains(diags[0].Message, "25000") {
					t.Fatalf("findings %v, want one %s at line 28 naming step a and the limit", diags, c.finding)
				}
				line := strings.Split(pipeline(c.foreach), "\n")[27]
				if want := strings.Index(line, "maxItems: 3200") + len("maxItems: ") + 1; diags[0].Pos.Column != want {
					t.Errorf("finding at column %d, want %d (the value of maxItems)", diags[0].Pos.Column, want)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := mapMode(t, definitions(t, res)["StateMachine/p"], "a.foreach"); got != c.mode {
				t.Errorf("Map mode %s, want %s", got, c.mode)
			}
		})
	}
}

// TestForeachBudgetNested checks that the budget counts a nested inline
// foreach's copies in each outer copy, and that an outer foreach moved to
// distributed gives the inner one a child execution's budget of its own.
func TestForeachBudgetNested(t *testing.T) {
	r := loadRepo(t, "repo.yaml", []byte(base+pipelineDoc("  steps:\n"+
		"    - {name: a, foreach: {over: outputs.rows, step: b, join: d, maxItems: 100}}\n"+
		"    - {name: b, foreach: {over: outputs.cols, step: c, join: d2, maxItems: 100}}\n"+
		"    - {name: c, next: d2}\n"+
		"    - {name: d2, next: d}\n"+
		"    - {name: d}\n")))
	res := mustCompile(t, r, "dev")
	def := definitions(t, res)["StateMachine/p"]
	if got := mapMode(t, def, "a.foreach"); got != "DISTRIBUTED" {
		t.Errorf("outer Map %s, want DISTRIBUTED: 100 copies of 100 inner copies pass 25,000 events", got)
	}
	if !strings.Contains(string(def), `"ProcessorConfig":{"Mode":"INLINE"}`) {
		t.Error("inner Map not INLINE: 100 copies fit a child execution's history")
	}
}

// mapMode returns the ProcessorConfig.Mode of the top-level Map state
// name in a definition.
func mapMode(t *testing.T, def json.RawMessage, name string) string {
	t.Helper()
	var d struct {
		States map[string]struct {
			ItemProcessor struct {
				ProcessorConfig struct{ Mode string }
			}
		}
	}
	if err := json.Unmarshal(def, &d); err != nil {
		t.Fatal(err)
	}
	return d.States[name].ItemProcessor.ProcessorConfig.Mode
}

// TestForeachGuard checks the most items each inline foreach takes at run
// time (the NumericGreaterThan of its STEP.items-check): its maxItems when
// it declares one; else the history events its execution has left over
// the events of one copy, split between the foreach without maxItems;
// none for one without maxItems nested in an inline copy, nor for a
// distributed one.
func TestForeachGuard(t *testing.T) {
	// Two unbounded foreach at the root, bodies of one step (8 events a
	// copy); the rest of the run writes 2 + 12 (execution, start states)
	// + 2 * (6 + 5 + 4 + 4) (a's and b's Task, read, guard and Map) + 6
	// (c) = 58 events: (25,000 - 58) / (2 * 8) = 1558 each.
	two := base + pipelineDoc("  steps:\n"+
		"    - {name: a, foreach: {over: outputs.parts, step: x, join: b}}\n"+
		"    - {name: x, next: b}\n"+
		"    - {name: b, foreach: {over: outputs.parts, step: y, join: c}}\n"+
		"    - {name: y, next: c}\n"+
		"    - {name: c}\n")
	nested := base + pipelineDoc("  steps:\n"+
		"    - {name: a, foreach: {over: outputs.rows, step: b, join: d, maxItems: 20}}\n"+
		"    - {name: b, foreach: {over: outputs.cols, step: c, join: d2}}\n"+
		"    - {name: c, next: d2}\n"+
		"    - {name: d2, next: d}\n"+
		"    - {name: d, foreach: {over: outputs.more, step: e, join: f, mode: distributed}}\n"+
		"    - {name: e, next: f}\n"+
		"    - {name: f}\n")
	cases := []struct {
		name, repo string
		want       map[string]any // step: limit, or nil for no guard
	}{
		{"unbounded share the budget", two, map[string]any{"a": 1558.0, "b": 1558.0}},
		{"declared, nested, distributed", nested, map[string]any{"a": 20.0, "b": nil, "d": nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := definitions(t, mustCompile(t, loadRepo(t, "repo.yaml", []byte(c.repo)), "dev"))["StateMachine/p"]
			states := allStates(t, def)
			for step, want := range c.want {
				check, ok := states[step+".items-check"].(map[string]any)
				if want == nil {
					if ok {
						t.Errorf("%s has a guard %v, want none", step, check)
					}
					continue
				}
				if !ok {
					t.Fatalf("%s has no guard", step)
				}
				if got := check["Choices"].([]any)[0].(map[string]any)["NumericGreaterThan"]; got != want {
					t.Errorf("%s takes at most %v items, want %v", step, got, want)
				}
			}
		})
	}
}

// allStates returns every state of a definition, nested ones included,
// by name.
func allStates(t *testing.T, def json.RawMessage) map[string]any {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal(def, &d); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	var walk func(scope map[string]any)
	walk = func(scope map[string]any) {
		states, _ := scope["States"].(map[string]any)
		for name, st := range states {
			out[name] = st
			m, _ := st.(map[string]any)
			if p, ok := m["ItemProcessor"].(map[string]any); ok {
				walk(p)
			}
			for _, br := range list(m["Branches"]) {
				walk(br.(map[string]any))
			}
		}
	}
	walk(d)
	return out
}

// TestForeachBudgetCountsRetries checks that the budget reserves every
// retry a body step may take, four events each: 2,000 copies of a body
// of one step fit (8 events a copy), and do not once the step, or the
// project's default retry it inherits, allows 2 retries (16 a copy).
func TestForeachBudgetCountsRetries(t *testing.T) {
	cases := []struct {
		name, project, step, mode string
	}{
		{"no retry", base, "", "INLINE"},
		{"the step's retries", base, ", retry: {attempts: 2}", "DISTRIBUTED"},
		{"the project's default retry", strings.Replace(base, "runTimeout: 1d}", "runTimeout: 1d, retry: {attempts: 2}}", 1), "", "DISTRIBUTED"},
		{"a step that allows none", strings.Replace(base, "runTimeout: 1d}", "runTimeout: 1d, retry: {attempts: 2}}", 1), ", retry: {attempts: 0}", "INLINE"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(c.project+pipelineDoc("  steps:\n"+
				"    - {name: a, foreach: {over: outputs.parts, step: b, join: c, maxItems: 2000}}\n"+
				"    - {name: b, next: c"+c.step+"}\n"+
				"    - {name: c}\n")))
			res, diags := r.compile("dev", "r")
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if got := mapMode(t, definitions(t, res)["StateMachine/p"], "a.foreach"); got != c.mode {
				t.Errorf("Map mode %s, want %s", got, c.mode)
			}
		})
	}
}
