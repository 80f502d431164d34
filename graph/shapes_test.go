package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/graph"
)

// dump renders the scope structure of g, one scope per line, indented by
// nesting: "kind steps [-> join]".
func dump(g *graph.Graph) string {
	var b strings.Builder
	var walk func(s *graph.Scope, indent string)
	walk = func(s *graph.Scope, indent string) {
		fmt.Fprintf(&b, "%s%s (depth %d): %s", indent, s.Describe(), s.Depth, names(s.Steps))
		if s.Join != nil {
			fmt.Fprintf(&b, " -> %s", s.Join.Name)
		}
		b.WriteString("\n")
		for _, n := range s.Steps {
			switch {
			case n.Split != nil:
				for _, br := range n.Split.Branches {
					walk(br, indent+"  ")
				}
			case n.Foreach != nil:
				walk(n.Foreach.Body, indent+"  ")
			}
		}
	}
	walk(g.Root, "")
	return b.String()
}

const churn = `
parameters:
  alphas: {type: list, default: [0.1, 0.3]}
steps:
  - {name: load, next: features}
  - {name: features, split: {branches: [text, tabular], join: merge}}
  - {name: text, next: merge}
  - {name: tabular, next: merge}
  - {name: merge, foreach: {over: parameters.alphas, step: train, join: pick}}
  - {name: train, next: pick}
  - {name: pick, switch: {on: outputs.quality, cases: {pass: publish, fail: report}, default: report}, onFailure: report}
  - {name: publish}
  - {name: report}
`

// shapes are valid pipelines of every graph shape, with their expected
// structure; the drawing tests reuse them.
var shapes = []struct {
	name, spec, want string
}{
	{"linear", `steps: [{name: a, next: b}, {name: b, next: c}, {name: c}]`, `
the main flow (depth 0): a,b,c`},
	{"churn", churn, `
the main flow (depth 0): load,features,merge,pick,publish,report
  branch "text" of split "features" (depth 0): text -> merge
  branch "tabular" of split "features" (depth 0): tabular -> merge
  the body of foreach "merge" (depth 1): train -> pick`},
	{"foreach inside a split branch", `
parameters: {xs: {type: list}}
steps:
  - {name: s, split: {branches: [a, b], join: j}}
  - {name: a, foreach: {over: parameters.xs, step: body, join: a2}}
  - {name: body, next: a2}
  - {name: a2, next: j}
  - {name: b, next: j}
  - {name: j}`, `
the main flow (depth 0): s,j
  branch "a" of split "s" (depth 0): a,a2 -> j
    the body of foreach "a" (depth 1): body -> a2
  branch "b" of split "s" (depth 0): b -> j`},
	{"split inside a foreach body", `
steps:
  - {name: f, foreach: {over: outputs.items, step: s, join: j}}
  - {name: s, split: {branches: [x, y], join: sj}}
  - {name: x, next: sj}
  - {name: y, next: sj}
  - {name: sj, next: j}
  - {name: j}`, `
the main flow (depth 0): f,j
  the body of foreach "f" (depth 1): s,sj -> j
    branch "x" of split "s" (depth 1): x -> sj
    branch "y" of split "s" (depth 1): y -> sj`},
	{"foreach inside foreach", `
parameters: {xs: {type: list}}
steps:
  - {name: outer, foreach: {over: parameters.xs, step: inner, join: done}}
  - {name: inner, foreach: {over: outputs.ys, step: work, join: innerjoin, mode: distributed}}
  - {name: work, next: innerjoin}
  - {name: innerjoin, next: done}
  - {name: done}`, `
the main flow (depth 0): outer,done
  the body of foreach "outer" (depth 1): inner,innerjoin -> done
    the body of foreach "inner" (depth 2): work -> innerjoin`},
	{"switch inside a branch with a case to the join", `
steps:
  - {name: s, split: {branches: [a, b], join: j}}
  - {name: a, switch: {on: outputs.ok, cases: {"yes": fix, "no": j}}, onFailure: j}
  - {name: fix, next: j}
  - {name: b, next: j}
  - {name: j}`, `
the main flow (depth 0): s,j
  branch "a" of split "s" (depth 0): a,fix -> j
  branch "b" of split "s" (depth 0): b -> j`},
	{"split ending at the enclosing join", `
steps:
  - {name: s, split: {branches: [a, b], join: j}}
  - {name: a, split: {branches: [c, d], join: j}}
  - {name: c, next: j}
  - {name: d, next: j}
  - {name: b, next: j}
  - {name: j}`, `
the main flow (depth 0): s,j
  branch "a" of split "s" (depth 0): a -> j
    branch "c" of split "a" (depth 0): c -> j
    branch "d" of split "a" (depth 0): d -> j
  branch "b" of split "s" (depth 0): b -> j`},
}

func TestShapes(t *testing.T) {
	for _, tt := range shapes {
		t.Run(tt.name, func(t *testing.T) {
			g := mustBuild(t, tt.spec)
			if got, want := strings.TrimSpace(dump(g)), strings.TrimSpace(tt.want); got != want {
				t.Errorf("structure:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestNodes(t *testing.T) {
	g := mustBuild(t, churn)
	tests := []struct {
		step, parents string
		depth         int
	}{
		{"load", "", 0},
		{"text", "features", 0},
		{"merge", "text,tabular", 0},
		{"train", "merge", 1},
		{"pick", "train", 0},
		{"publish", "pick", 0},
		{"report", "pick", 0},
	}
	for _, tt := range tests {
		n := g.Step(tt.step)
		if n == nil {
			t.Fatalf("Step(%q) = nil", tt.step)
		}
		if got := names(n.Parents); got != tt.parents {
			t.Errorf("%s: parents %q, want %q", tt.step, got, tt.parents)
		}
		if n.Depth() != tt.depth {
			t.Errorf("%s: depth %d, want %d", tt.step, n.Depth(), tt.depth)
		}
	}
	pick := g.Step("pick")
	if pick.Switch.Output != "quality" || len(pick.Switch.Cases) != 2 || pick.Switch.Cases[0].Value != "fail" ||
		pick.Switch.Default != g.Step("report") || pick.OnFailure != g.Step("report") || !pick.NeedsOutputs() {
		t.Errorf("pick switch resolved wrongly: %+v", pick.Switch)
	}
	merge := g.Step("merge")
	if merge.Foreach.Parameter != "alphas" || merge.Foreach.Mode != "inline" || merge.NeedsOutputs() {
		t.Errorf("merge foreach resolved wrongly: %+v", merge.Foreach)
	}
	if g.Step("nope") != nil {
		t.Errorf("Step of an unknown name is not nil")
	}
}
