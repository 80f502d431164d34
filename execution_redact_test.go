package sluice_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
)

func TestExecutionRedacted(t *testing.T) {
	mask := func(s string) string { return strings.ReplaceAll(s, "s3cret", "[REDACTED]") }
	e := sluice.Execution{
		Name: "s3cret-run", Error: "E s3cret", Cause: "log: s3cret",
		Input: json.RawMessage(`{"p":"s3cret"}`), Output: json.RawMessage(`{"o":"s3cret"}`),
		Steps: []sluice.StepRun{{State: "a", Cause: "s3cret", Error: "s3cret"}},
	}
	got := e.Redacted(mask)
	text, _ := json.Marshal(got)
	if strings.Count(string(text), "s3cret") != 1 || !strings.Contains(got.Name, "s3cret") {
		t.Errorf("Redacted = %s: want every printed field masked, the name kept", text)
	}
	if e.Steps[0].Cause != "s3cret" {
		t.Error("Redacted changed the original's steps")
	}
	if e.Redacted(nil).Cause != e.Cause {
		t.Error("a nil mask changed the execution")
	}
}
