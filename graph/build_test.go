package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// TestBuildErrors runs one broken pipeline per rule and checks every
// finding's position, code and the key words of its message.
func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want []string // "line:col code"
		msg  string   // a fragment the first message must contain
	}{
		{
			name: "empty",
			spec: "steps: []",
			want: []string{"6:10 graph.empty"},
			msg:  "no steps",
		},
		{
			name: "unknown next with suggestion",
			spec: `
steps:
  - {name: load, next: trian}
  - {name: train, next: test}
  - {name: test}`,
			// train and test are stranded by the typo, not unreachable
			// in their own right: one mistake, one finding.
			want: []string{"7:26 graph.unknown-step"},
			msg:  `(did you mean "train"?)`,
		},
		{
			name: "unknown next strands only what it resembles",
			spec: `
steps:
  - {name: load, next: trian}
  - {name: train}
  - {name: orphan}`,
			want: []string{"7:26 graph.unknown-step", "9:14 graph.unreachable"},
			msg:  `(did you mean "train"?)`,
		},
		{
			name: "unknown next resembling no step strands every step",
			spec: `
steps:
  - {name: load, next: somewhere}
  - {name: train}
  - {name: orphan}`,
			want: []string{"7:26 graph.unknown-step"},
			msg:  `names "somewhere" as next, but no step is called that`,
		},
		{
			name: "unknown join is not also a step shared by the branches",
			spec: `
steps:
  - {name: s, split: {branches: [x, y], join: jion}}
  - {name: x, next: join}
  - {name: y, next: join}
  - {name: join}`,
			want: []string{"7:49 graph.unknown-step"},
			msg:  `(did you mean "join"?)`,
		},
		{
			name: "unknown next in a branch is not also a branch cut short",
			spec: `
steps:
  - {name: s, split: {branches: [x, y], join: j}}
  - {name: x, next: j}
  - {name: y, next: jj}
  - {name: j}`,
			want: []string{"9:23 graph.unknown-step"},
			msg:  `names "jj" as next`,
		},
		{
			name: "duplicate step",
			spec: `
steps:
  - {name: a, next: b}
  - {name: b}
  - {name: b}`,
			want: []string{"9:14 graph.duplicate-step"},
			msg:  "first at line 8",
		},
		{
			name: "unnamed step",
			spec: `
steps:
  - {name: a}
  - {command: x}`,
			want: []string{"8:7 graph.step-name"},
			msg:  "step 2 has no name",
		},
		{
			name: "unreachable",
			spec: `
steps:
  - {name: a}
  - {name: orphan}`,
			want: []string{"8:14 graph.unreachable"},
			msg:  `"orphan" is never reached`,
		},
		{
			name: "cycle",
			spec: `
steps:
  - {name: a, next: b}
  - {name: b, next: c}
  - {name: c, next: a}`,
			want: []string{"9:23 graph.cycle"},
			msg:  "a → b → c → a",
		},
		{
			name: "self loop",
			spec: `
steps:
  - {name: a, next: a}`,
			want: []string{"7:23 graph.cycle"},
			msg:  "a → a",
		},
		{
			name: "onFailure loop",
			spec: `
steps:
  - {name: a, next: b, onFailure: c}
  - {name: b}
  - {name: c, next: a}`,
			want: []string{"9:23 graph.cycle"},
			msg:  "a → c → a",
		},
		{
			name: "onFailure itself",
			spec: `
steps:
  - {name: a, onFailure: a}`,
			want: []string{"7:28 graph.cycle"},
			msg:  "itself",
		},
		{
			name: "split join not closed",
			spec: `
steps:
  - {name: s, split: {branches: [x, y], join: j}}
  - {name: x, next: j}
  - {name: y}
  - {name: j}`,
			want: []string{"9:14 graph.join-not-closed"},
			msg:  `step "y" ends branch "y" of split "s" without reaching its join "j"; add next: j`,
		},
		{
			name: "foreach body not closed",
			spec: `
parameters: {xs: {type: list, default: [1]}}
steps:
  - {name: s, foreach: {over: parameters.xs, step: body, join: j}}
  - {name: body, next: more}
  - {name: more}
  - {name: j}`,
			want: []string{"10:14 graph.join-not-closed"},
			msg:  `the body of foreach "s"`,
		},
		{
			name: "branch escapes to the main flow",
			spec: `
steps:
  - {name: s, split: {branches: [x, y], join: j}}
  - {name: x, next: after}
  - {name: y, next: j}
  - {name: j, next: after}
  - {name: after}`,
			want: []string{"8:23 graph.scope-escape"},
			msg:  `jumps to "after", outside it`,
		},
		{
			name: "switch case escapes a body",
			spec: `
parameters: {xs: {type: list}}
steps:
  - {name: s, foreach: {over: parameters.xs, step: b, join: j}}
  - {name: b, switch: {on: outputs.v, cases: {ok: j, bad: s}}}
  - {name: j}`,
			want: []string{"9:61 graph.scope-escape"},
			msg:  `step "b" in the body of foreach "s" jumps to "s"`,
		},
		{
			name: "step shared by two branches",
			spec: `
steps:
  - {name: s, split: {branches: [x, y], join: j}}
  - {name: x, next: common}
  - {name: y, next: common}
  - {name: common, next: j}
  - {name: j}`,
			want: []string{"9:23 graph.shared-step"},
			msg:  `"common" is reached both from branch "x" of split "s" and from branch "y" of split "s"`,
		},
		{
			name: "branch is a main flow step",
			spec: `
steps:
  - {name: a, next: s}
  - {name: s, split: {branches: [a, y], join: j}}
  - {name: y, next: j}
  - {name: j}`,
			want: []string{"8:36 graph.shared-step"},
			msg:  `"a" starts branch "a" of split "s" but already belongs to the main flow`,
		},
		{
			name: "join is a branch",
			spec: `
steps:
  - {name: s, split: {branches: [x, j], join: j}}
  - {name: x, next: j}
  - {name: j}`,
			want: []string{"7:39 graph.join-is-branch"},
			msg:  "lists its join",
		},
		{
			name: "foreach body is its join",
			spec: `
parameters: {xs: {type: list}}
steps:
  - {name: s, foreach: {over: parameters.xs, step: j, join: j}}
  - {name: j}`,
			want: []string{"8:54 graph.join-is-branch"},
			msg:  "uses its join",
		},
		{
			name: "split without join and branches",
			spec: `
steps:
  - {name: s, split: {branches: []}}`,
			want: []string{"7:24 graph.missing-join", "7:24 graph.split-branches"},
		},
		{
			name: "branch listed twice",
			spec: `
steps:
  - {name: s, split: {branches: [x, x], join: j}}
  - {name: x, next: j}
  - {name: j}`,
			want: []string{"7:39 graph.split-branches"},
			msg:  "twice",
		},
		{
			name: "foreach without step",
			spec: `
parameters: {xs: {type: list}}
steps:
  - {name: s, foreach: {over: parameters.xs, join: j}}
  - {name: j}`,
			want: []string{"8:26 graph.foreach-step"},
		},
		{
			name: "foreach over undeclared parameter",
			spec: `
parameters: {alphas: {type: list}}
steps:
  - {name: s, foreach: {over: parameters.alpha, step: b, join: j}}
  - {name: b, next: j}
  - {name: j}`,
			want: []string{"8:33 graph.foreach-over"},
			msg:  `(did you mean "alphas"?)`,
		},
		{
			name: "foreach over a string parameter",
			spec: `
parameters: {dataset: {type: string}}
steps:
  - {name: s, foreach: {over: parameters.dataset, step: b, join: j}}
  - {name: b, next: j}
  - {name: j}`,
			want: []string{"8:33 graph.foreach-over"},
			msg:  "of type string",
		},
		{
			name: "foreach over something else",
			spec: `
steps:
  - {name: s, foreach: {over: items, step: b, join: j}}
  - {name: b, next: j}
  - {name: j}`,
			want: []string{"7:33 graph.foreach-over"},
		},
		{
			name: "switch on a parameter",
			spec: `
steps:
  - {name: s, switch: {on: parameters.x, cases: {a: t}}}
  - {name: t}`,
			want: []string{"7:30 graph.switch-on"},
		},
		{
			name: "switch without cases",
			spec: `
steps:
  - {name: s, switch: {on: outputs.x}}`,
			want: []string{"7:25 graph.switch-cases"},
		},
		{
			name: "switch case names unknown step",
			spec: `
steps:
  - {name: s, switch: {on: outputs.x, cases: {a: pubish}, default: report}}
  - {name: publish}
  - {name: report}`,
			want: []string{"7:52 graph.unknown-step"},
			msg:  `names "pubish" as the case "a" of its switch, but no step is called that (did you mean "publish"?)`,
		},
		{
			name: "two successors",
			spec: `
steps:
  - {name: a, next: b, switch: {on: outputs.x, default: b}}
  - {name: b}`,
			want: []string{"7:34 graph.successors"},
			msg:  "both next and switch",
		},
		{
			name: "split whose join is itself",
			spec: `
steps:
  - {name: s, split: {branches: [x], join: s}}
  - {name: x, next: s}`,
			want: []string{"7:46 graph.cycle"},
			msg:  "s → s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, diags := build(t, pipeline(tt.spec))
			if g != nil {
				t.Errorf("Build returned a graph despite findings")
			}
			got := make([]string, len(diags))
			for i, d := range diags {
				got[i] = fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Column, d.Code)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("findings:\n%s\nwant:\n%s\n(full: %v)", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), diags)
			}
			if tt.msg != "" && !strings.Contains(diags[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", diags[0].Message, tt.msg)
			}
		})
	}
}

func TestBuildWithoutPositions(t *testing.T) {
	spec := &dsl.PipelineSpec{Steps: []dsl.Step{{Name: "a", Next: "zz"}}}
	g, diags := graph.Build(spec, nil)
	if g != nil || len(diags) != 1 || diags[0].Code != "graph.unknown-step" || diags[0].Pos != (sluice.Position{}) {
		t.Fatalf("got %v, %v", g, diags)
	}
	if g, diags := graph.Build(nil, nil); g != nil || len(diags) != 1 || diags[0].Code != "graph.empty" {
		t.Fatalf("nil spec: got %v, %v", g, diags)
	}
}
