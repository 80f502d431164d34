package compile_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

// aslChecker checks a state machine definition against the rules of the
// Amazon States Language the compiler must keep.
type aslChecker struct {
	names map[string]bool // every state name, machine-wide
	errs  []string
}

func (c *aslChecker) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// checkDefinition returns what is wrong with def, nil when nothing is.
func checkDefinition(def map[string]any) []string {
	c := &aslChecker{names: map[string]bool{}}
	c.machine("", def)
	return c.errs
}

// machine checks a (sub-)machine: StartAt and States, every transition
// target inside it, and every state reachable.
func (c *aslChecker) machine(where string, m map[string]any) {
	states, _ := m["States"].(map[string]any)
	start, _ := m["StartAt"].(string)
	if len(states) == 0 {
		c.fail("%s: no States", where)
		return
	}
	if _, ok := states[start]; !ok {
		c.fail("%s: StartAt %q is not a state", where, start)
	}
	edges := map[string][]string{}
	for name, raw := range states {
		if c.names[name] {
			c.fail("state name %q is used twice", name)
		}
		c.names[name] = true
		if len(name) > 80 || name == "" {
			c.fail("state name %q has %d characters", name, len(name))
		}
		st, _ := raw.(map[string]any)
		edges[name] = c.state(name, st)
		for _, to := range edges[name] {
			if _, ok := states[to]; !ok {
				c.fail("%s: state %q goes to %q, which is not a state of its machine", where, name, to)
			}
		}
	}
	reached := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if reached[n] {
			return
		}
		reached[n] = true
		for _, to := range edges[n] {
			visit(to)
		}
	}
	visit(start)
	for name := range states {
		if !reached[name] {
			c.fail("%s: state %q is unreachable", where, name)
		}
	}
}

// state checks one state and returns the states it can go to.
func (c *aslChecker) state(name string, st map[string]any) []string {
	typ, _ := st["Type"].(string)
	next, hasNext := st["Next"].(string)
	end, _ := st["End"].(bool)
	var targets []string
	switch typ {
	case "Task", "Pass", "Parallel", "Map", "Wait":
		if hasNext == end {
			c.fail("state %q must have exactly one of Next and End", name)
		}
		if hasNext {
			targets = append(targets, next)
		}
	case "Choice":
		if hasNext || end {
			c.fail("Choice %q must not have Next or End", name)
		}
		choices, _ := st["Choices"].([]any)
		if len(choices) == 0 {
			c.fail("Choice %q has no Choices", name)
		}
		for _, ch := range choices {
			to, _ := ch.(map[string]any)["Next"].(string)
			targets = append(targets, to)
		}
		if d, ok := st["Default"].(string); ok {
			targets = append(targets, d)
		}
	case "Succeed", "Fail":
		if hasNext || end {
			c.fail("%s %q must not have Next or End", typ, name)
		}
	default:
		c.fail("state %q has unknown Type %q", name, typ)
	}
	c.retries(name, st)
	for _, raw := range list(st["Catch"]) {
		to, _ := raw.(map[string]any)["Next"].(string)
		targets = append(targets, to)
	}
	for i, b := range list(st["Branches"]) {
		c.machine(fmt.Sprintf("%s branch %d", name, i), b.(map[string]any))
	}
	if ip, ok := st["ItemProcessor"].(map[string]any); ok {
		if _, ok := ip["ProcessorConfig"].(map[string]any); !ok {
			c.fail("Map %q has no ProcessorConfig", name)
		}
		c.machine(name+" items", ip)
	}
	if typ == "Map" && st["ItemProcessor"] == nil {
		c.fail("Map %q has no ItemProcessor", name)
	}
	return targets
}

// retries checks that States.ALL stands alone in the last retrier.
func (c *aslChecker) retries(name string, st map[string]any) {
	rs := list(st["Retry"])
	for i, raw := range rs {
		errs := list(raw.(map[string]any)["ErrorEquals"])
		for _, e := range errs {
			if e == "States.ALL" && (len(errs) > 1 || i != len(rs)-1) {
				c.fail("state %q: States.ALL must be alone in the last retrier", name)
			}
		}
	}
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// definitions returns the ASL of every state machine among res.
func definitions(tb testing.TB, res []sluice.Resource) map[string]json.RawMessage {
	tb.Helper()
	out := map[string]json.RawMessage{}
	for _, r := range res {
		if r.Type != sluice.TypeStateMachine {
			continue
		}
		var spec struct {
			Definition json.RawMessage `json:"definition"`
		}
		if err := json.Unmarshal(r.Spec, &spec); err != nil {
			tb.Fatal(err)
		}
		out[string(r.ID)] = spec.Definition
	}
	return out
}

// TestASL checks every golden state machine with the checker above and
// with the emulator's ValidateStateMachineDefinition.
func TestASL(t *testing.T) {
	srv := kumotest.Start(t)
	client := sfn.NewFromConfig(srv.Config)
	bad, err := client.ValidateStateMachineDefinition(context.Background(), &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"a","States":{"a":{"Type":"Pass","Next":"nowhere"}}}`)})
	if err != nil || bad.Result == "OK" {
		t.Fatalf("the emulator does not reject a definition with a missing Next target (%v, %v): its verdicts would prove nothing", bad, err)
	}
	checked := 0
	for _, path := range cases(t) {
		r := readRepo(t, path)
		for _, env := range r.envs {
			for id, def := range definitions(t, mustCompile(t, r, env)) {
				name := strings.TrimSuffix(filepath.Base(path), ".yaml") + "." + env + "/" + id
				var parsed map[string]any
				if err := json.Unmarshal(def, &parsed); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, e := range checkDefinition(parsed) {
					t.Errorf("%s: %s", name, e)
				}
				validate(t, client, name, def)
				checked++
			}
		}
	}
	if checked < 10 {
		t.Errorf("checked only %d state machines", checked)
	}
}

func validate(t *testing.T, client *sfn.Client, name string, def []byte) {
	t.Helper()
	out, err := client.ValidateStateMachineDefinition(context.Background(), &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(string(def)),
	})
	if err != nil {
		t.Fatalf("%s: ValidateStateMachineDefinition: %v", name, err)
	}
	if out.Result != "OK" {
		for _, d := range out.Diagnostics {
			t.Errorf("%s: %s %s at %s: %s", name, d.Severity, aws.ToString(d.Code), aws.ToString(d.Location), aws.ToString(d.Message))
		}
		t.Errorf("%s: emulator says %s", name, out.Result)
	}
}

// TestASLCheckerCatches makes sure the checker fails on the mistakes it
// looks for.
func TestASLCheckerCatches(t *testing.T) {
	tests := map[string]string{
		"missing target":  `{"StartAt":"a","States":{"a":{"Type":"Pass","Next":"b"}}}`,
		"next and end":    `{"StartAt":"a","States":{"a":{"Type":"Pass","Next":"a","End":true}}}`,
		"neither":         `{"StartAt":"a","States":{"a":{"Type":"Task"}}}`,
		"unreachable":     `{"StartAt":"a","States":{"a":{"Type":"Succeed"},"b":{"Type":"Succeed"}}}`,
		"bad start":       `{"StartAt":"x","States":{"a":{"Type":"Succeed"}}}`,
		"unknown type":    `{"StartAt":"a","States":{"a":{"Type":"Magic","End":true}}}`,
		"long name":       `{"StartAt":"` + strings.Repeat("a", 81) + `","States":{"` + strings.Repeat("a", 81) + `":{"Type":"Succeed"}}}`,
		"all not last":    `{"StartAt":"a","States":{"a":{"Type":"Task","End":true,"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}]}}}`,
		"branch escapes":  `{"StartAt":"p","States":{"p":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"x","States":{"x":{"Type":"Pass","Next":"p"}}}]}}}`,
		"duplicate names": `{"StartAt":"p","States":{"p":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"p","States":{"p":{"Type":"Succeed"}}}]}}}`,
	}
	for name, src := range tests {
		var def map[string]any
		if err := json.Unmarshal([]byte(src), &def); err != nil {
			t.Fatal(err)
		}
		if errs := checkDefinition(def); len(errs) == 0 {
			t.Errorf("%s: no error found", name)
		}
	}
}
