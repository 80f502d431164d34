package daemon_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// TestRunPageShowsReusedSteps: a run started from a step with an
// origin run (run --from --origin) lists the attempts it reused as
// "reused from" the origin, linked to the origin's page, in the step
// table and the timeline, with no status or duration of their own; the
// step it ran is shown as usual.
func TestRunPageShowsReusedSteps(t *testing.T) {
	r := newLogRig(t)
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	origin := sluice.RunRecord{ID: "local:training:o1", Name: "o1", Pipeline: "training", Environment: "dev", Backend: "local",
		Status: sluice.ExecutionFailed, Started: t0, Stopped: t0.Add(time.Minute)}
	r.put(t, origin, sluice.AttemptRecord{RunID: origin.ID, Step: "prepare", Path: "prepare", Attempt: 1,
		Status: sluice.ExecutionSucceeded, Started: t0, Stopped: t0.Add(10 * time.Second)})
	t1 := t0.Add(time.Hour)
	run := sluice.RunRecord{ID: "local:training:n1", Name: "n1", Pipeline: "training", Environment: "dev", Backend: "local",
		Status: sluice.ExecutionSucceeded, Started: t1, Stopped: t1.Add(time.Minute), Origin: origin.ID}
	r.put(t, run,
		sluice.AttemptRecord{RunID: run.ID, Step: "prepare", Path: "prepare", Attempt: 1, Status: sluice.ExecutionSucceeded,
			Started: t1, Stopped: t1, OriginRun: origin.ID, OriginAttempt: 1, Cause: "reused the succeeded attempt of run o1"},
		sluice.AttemptRecord{RunID: run.ID, Step: "fit", Path: "fit", Attempt: 1, Status: sluice.ExecutionSucceeded,
			Started: t1.Add(time.Second), Stopped: t1.Add(time.Minute)})
	code, body := r.get(t, "/ui/env/dev/pipelines/training/runs/n1")
	if code != http.StatusOK {
		t.Fatalf("the run page: %d %s", code, body)
	}
	link := `<a href="/ui/env/dev/pipelines/training/runs/o1">`
	for _, want := range []string{
		`<tr class="reused"><td><code>prepare</code></td><td><span class="badge idle">reused</span> from ` + link + `o1</a>`,
		`<g class="bar reused">`, link + `<text`, "reused from o1</text></a>",
		`<td><code>fit</code></td><td><span class="badge ok">SUCCEEDED</span>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the run page lacks %q", want)
		}
	}
	if n := strings.Count(body, `<g class="bar ok">`); n != 1 {
		t.Errorf("%d succeeded bars in the timeline, want 1 (fit's; prepare was reused)", n)
	}
	if code, body := r.get(t, "/ui/env/dev/pipelines/training/runs/o1"); code != http.StatusOK || strings.Contains(body, "reused") {
		t.Errorf("the origin's page: %d, reused shown: %v", code, strings.Contains(body, "reused"))
	}
}
