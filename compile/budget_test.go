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
				if col := strings.Index(pipeline(c.foreach), "maxItems: 3200") - strings.LastIndex(pipeline(c.foreach)[:strings.Index(pipeline(c.foreach), "maxItems: 3200")], "\n"); diags[0].Pos.Column != col+len("maxItems: ") {
					t.Errorf("finding at column %d, want %d (the value of maxItems)", diags[0].Pos.Column, col+len("maxItems: "))
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
