package compile_test

import (
	"strings"
	"testing"
)

// TestSwitchCaseTypesInOverrides checks that a case an environment's
// override adds is typed from where it is written, and the spec's own
// cases from the spec.
func TestSwitchCaseTypesInOverrides(t *testing.T) {
	src := base + pipelineDoc(`  steps:
    - {name: s, switch: {on: outputs.v, cases: {1: a, "2": b}}}
    - {name: a}
    - {name: b}
environments:
  prod:
    steps:
      - {name: s, switch: {cases: {3: b, "4": a}}}
`)
	r := loadRepo(t, "repo.yaml", []byte(src))
	def := string(resource(t, mustCompile(t, r, "prod"), "StateMachine/p").Spec)
	for _, want := range []string{`"NumericEquals":1,`, `"StringEquals":"2"`, `"NumericEquals":3,`, `"StringEquals":"4"`} {
		if !strings.Contains(def, want) {
			t.Errorf("prod definition lacks %s:\n%s", want, def)
		}
	}
	dev := string(resource(t, mustCompile(t, r, "dev"), "StateMachine/p").Spec)
	if strings.Contains(dev, `"NumericEquals":3`) || !strings.Contains(dev, `"NumericEquals":1,`) {
		t.Errorf("dev definition has prod's case or lacks its own:\n%s", dev)
	}
}
