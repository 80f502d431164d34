package daemon

import (
	"encoding/json"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/statestore"
)

// goldenDefinition is the state machine the compiler's golden file name
// holds.
func goldenDefinition(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../compile/testdata/" + name + ".dev.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var res []sluice.Resource
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Type == sluice.TypeStateMachine {
			var spec struct {
				Definition json.RawMessage `json:"definition"`
			}
			_ = json.Unmarshal(r.Spec, &spec)
			return spec.Definition
		}
	}
	t.Fatalf("%s has no state machine", name)
	return nil
}

func isBadRequest(err error) bool { var b errBadRequest; return errors.As(err, &b) }

// TestReusedSteps plans runs of the compiled foreach-inline pipeline
// (start, a foreach of train and score, pick): from pick everything
// else is reused; a step inside the foreach, or none, is refused naming
// the step to start from; a machine compiled without Sluice.From cannot
// start past its first step.
func TestReusedSteps(t *testing.T) {
	def := goldenDefinition(t, "foreach-inline")
	got, err := reusedSteps(def, "sweep", "pick")
	if err != nil || !slices.Equal(got, []string{"score", "start", "train"}) {
		t.Errorf("from pick: %v, %v; want score, start and train reused", got, err)
	}
	if got, err := reusedSteps(def, "sweep", "start"); err != nil || len(got) != 0 {
		t.Errorf("from start: %v, %v; want nothing reused", got, err)
	}
	for _, c := range []struct {
		from string
		is   func(error) bool
		want string
	}{
		{"train", isBadRequest, "inside the split or foreach of step start: start from start (--from start)"},
		{"pik", isBadRequest, `sweep has no step "pik"`},
	} {
		if _, err := reusedSteps(def, "sweep", c.from); err == nil || !c.is(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("from %s: %v, want an error naming %q", c.from, err, c.want)
		}
	}
	var m map[string]any
	_ = json.Unmarshal(def, &m)
	delete(m["States"].(map[string]any), "Sluice.From")
	old, _ := json.Marshal(m)
	if _, err := reusedSteps(old, "sweep", "pick"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "apply it again") {
		t.Errorf("a machine without Sluice.From: %v, want a conflict asking to apply it again", err)
	}
}

// TestPlanReuse takes, per path, the attempt that succeeded last, and
// refuses an origin where a path of a reused step never succeeded.
func TestPlanReuse(t *testing.T) {
	at := func(path string, attempt int, status string) sluice.AttemptRecord {
		step := path[strings.LastIndexByte(path, '/')+1:]
		return sluice.AttemptRecord{RunID: "arn:r1", Step: step, Path: path, Attempt: attempt, Status: status, JobID: path}
	}
	origin := sluice.RunDetail{RunRecord: sluice.RunRecord{ID: "arn:r1", Name: "r1"}, Attempts: []sluice.AttemptRecord{
		at("start", 1, sluice.ExecutionSucceeded),
		at("start.foreach/0/train", 1, sluice.ExecutionFailed),
		at("start.foreach/0/train", 2, sluice.ExecutionSucceeded),
		at("pick", 1, sluice.ExecutionFailed),
	}}
	plan, err := planReuse(origin, []string{"start", "train"}, "pick")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.attempts) != 2 || plan.attempts[1].OriginAttempt != 2 || plan.attempts[1].Attempt != 1 ||
		plan.attempts[1].OriginRun != "arn:r1" || plan.attempts[1].RunID != "" || plan.origin != "arn:r1" {
		t.Errorf("reused attempts %+v, want start's and train's second, as first attempts of the new run", plan.attempts)
	}
	origin.Attempts = append(origin.Attempts, at("start.foreach/1/train", 1, sluice.ExecutionFailed))
	if _, err := planReuse(origin, []string{"start", "train"}, "pick"); !errors.Is(err, ErrConflict) ||
		!strings.Contains(err.Error(), "step start.foreach/1/train did not succeed in run r1 (failed)") {
		t.Errorf("a copy that failed: %v, want a conflict naming it", err)
	}
}

// TestReusable refuses an origin of another pipeline, one running, and
// one that ran another state machine than the deployed one.
func TestReusable(t *testing.T) {
	rec := statestore.Record{SpecHash: "h2", Revision: "rev2"}
	run := sluice.RunRecord{Name: "r1", Pipeline: "p", Status: sluice.ExecutionFailed, SpecHash: "h2"}
	if err := reusable(run, "p", rec); err != nil {
		t.Errorf("an origin of the deployed machine: %v", err)
	}
	other, running, older := run, run, run
	other.Pipeline = "q"
	running.Status = sluice.ExecutionRunning
	older.SpecHash, older.Revision = "h1", "rev1"
	for _, c := range []struct {
		run  sluice.RunRecord
		is   func(error) bool
		want string
	}{
		{other, isBadRequest, "run r1 is a run of q, not of p"},
		{running, func(err error) bool { return errors.Is(err, ErrConflict) }, "still running"},
		{older, func(err error) bool { return errors.Is(err, ErrConflict) }, "spec hash h1 (revision rev1); the state machine deployed now has h2 (revision rev2)"},
	} {
		if err := reusable(c.run, "p", rec); err == nil || !c.is(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %q", c.run, err, c.want)
		}
	}
}
