package local_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// chainPipeline fans prepare out over parameters.xs to train, then runs
// pick and report; every step appends its name to counter and writes
// the parameters it saw.
func chainPipeline(counter string) string {
	cmd := `[sh, -c, 'echo "$SLUICE_STEP" >> ` + counter + ` && mkdir -p "$SLUICE_OUTPUT" && echo "$SLUICE_PARAMETERS" > "$SLUICE_OUTPUT/params.json"']`
	return `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: chain}
spec:
  parameters:
    xs: {type: list, default: [1, 2]}
    tag: {type: string, default: a}
  steps:
    - {name: prepare, command: ` + cmd + `, foreach: {over: parameters.xs, step: train, join: pick}}
    - {name: train, command: ` + cmd + `, next: pick}
    - {name: pick, command: ` + cmd + `, next: report}
    - {name: report, command: ` + cmd + `}
`
}

// stepCounts counts the lines of counter by step.
func stepCounts(t *testing.T, counter string) map[string]int {
	out := map[string]int{}
	for _, l := range strings.Fields(readFile(t, counter)) {
		out[l]++
	}
	return out
}

// TestStartFromOrigin runs a pipeline, then starts runs from one of its
// steps with the first run as origin: the steps before it are not run
// again (counted), their artifacts are copied and traced to the origin,
// the origin's parameters are kept unless overridden, and bad requests
// are refused with what to do.
func TestStartFromOrigin(t *testing.T) {
	dir := t.TempDir()
	counter, marker := filepath.Join(dir, "steps"), filepath.Join(dir, "fixed")
	ctx := context.Background()
	store, err := sqlitestore.Open(ctx, filepath.Join(dir, "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	desired := compileFiles(t, map[string]string{"sluice.yaml": runProject,
		"deploy/docs.yaml": runDocuments + "---\n" + chainPipeline(counter) + "---\n" + mendPipeline(marker, filepath.Join(dir, "m"))}, env)
	w := mustWorld(t, local.Options{Workdir: dir, Runs: store, Sandbox: local.Sandbox{Off: true}})
	t.Cleanup(func() { _ = w.Close() })
	deploy(t, w, env, desired)

	first := waitDone(t, w, mustStart(t, w, machineARN("chain"), "c1", `{"parameters": {"tag": "b"}}`))
	if first.Status != sluice.ExecutionSucceeded {
		t.Fatalf("first run: %s %s", first.Status, stepStates(first.Steps))
	}
	id, err := w.StartFromOrigin(ctx, machineARN("chain"), "c2", json.RawMessage(`{"parameters": {"xs": [1, 2]}}`), first.ID, "pick")
	if err != nil {
		t.Fatal(err)
	}
	if second := waitDone(t, w, id); second.Status != sluice.ExecutionSucceeded {
		t.Fatalf("run from pick: %s %s", second.Status, stepStates(second.Steps))
	}
	if got := stepCounts(t, counter); got["prepare"] != 1 || got["train"] != 2 || got["pick"] != 2 || got["report"] != 2 {
		t.Fatalf("step runs after a run and a run from pick: %v; want prepare 1, train 2 (reused), pick 2, report 2", got)
	}
	rec, err := store.Run(ctx, env, "c2")
	if err != nil {
		t.Fatal(err)
	}
	var params map[string]any
	_ = json.Unmarshal(rec.Parameters, &params)
	if rec.Origin != first.ID || params["tag"] != "b" {
		t.Errorf("run from pick: origin %q, parameters %s; want c1's, with its tag b", rec.Origin, rec.Parameters)
	}
	reused := 0
	for _, a := range rec.Attempts {
		if a.OriginRun == first.ID && a.OriginAttempt == 1 {
			reused++
		}
	}
	if reused != 3 {
		t.Errorf("attempts of the run from pick: %+v; want prepare and both train copies reused from c1", rec.Attempts)
	}
	uri := "s3://churn-dev-artifacts/chain/c2/train/1/params.json"
	l, err := store.Lineage(ctx, uri)
	if err != nil || l.Run.Name != "c1" || l.Attempt.Path != "prepare.foreach/1/train" || len(l.Copies) != 1 || l.Copies[0].URI != uri {
		t.Fatalf("lineage of a reused artifact: %+v, %v; want c1's train copy 1, through c2's copy", l, err)
	}

	// From train: prepare is reused, each train copy runs again.
	id, err = w.StartFromOrigin(ctx, machineARN("chain"), "c3", nil, id, "train")
	if err != nil {
		t.Fatal(err)
	}
	if third := waitDone(t, w, id); third.Status != sluice.ExecutionSucceeded {
		t.Fatalf("run from train: %s %s", third.Status, stepStates(third.Steps))
	}
	if got := stepCounts(t, counter); got["prepare"] != 1 || got["train"] != 4 || got["pick"] != 3 {
		t.Fatalf("step runs after a run from train: %v; want prepare 1, train 4, pick 3", got)
	}
	testOriginRefusals(t, w, first.ID)
}

// testOriginRefusals asks for runs that cannot be started from an origin.
func testOriginRefusals(t *testing.T, w *local.World, chain string) {
	ctx := context.Background()
	failed := waitDone(t, w, mustStart(t, w, machineARN("mend"), "m1", ""))
	for _, c := range []struct {
		machine, origin, from string
		kind                  sluice.Kind
		want                  string
	}{
		{"chain", chain, "pik", sluice.KindInvalid, `did you mean "pick"`},
		{"chain", failed.ID, "pick", sluice.KindInvalid, "is a run of"},
		{"mend", failed.ID, "after", sluice.KindConflict, "step check did not succeed in run m1 (failed)"},
		{"mend", executionID("mend", "nope"), "check", sluice.KindNotFound, "nope"},
	} {
		_, err := w.StartFromOrigin(ctx, machineARN(c.machine), "", nil, c.origin, c.from)
		if sluice.KindOf(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s from %s of %s: %v; want %s naming %q", c.machine, c.from, c.origin, err, c.kind, c.want)
		}
	}
	// From the failed step itself, the step before it is reused.
	id, err := w.StartFromOrigin(ctx, machineARN("mend"), "m2", nil, failed.ID, "check")
	if err != nil {
		t.Fatal(err)
	}
	if e := waitDone(t, w, id); stepStates(e.Steps) != "prepare:SUCCEEDED check:FAILED" || e.Steps[0].Log != failed.Steps[0].Log {
		t.Fatalf("mend from check: %s %+v", stepStates(e.Steps), e.Steps)
	}
}
