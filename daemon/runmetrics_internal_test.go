package daemon

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/metrics"
)

// nopWriter records nothing.
type nopWriter struct{ runs, attempts int }

func (w *nopWriter) PutRun(context.Context, sluice.RunRecord) error { w.runs++; return nil }
func (w *nopWriter) PutAttempt(context.Context, sluice.AttemptRecord) error {
	w.attempts++
	return nil
}
func (w *nopWriter) PutArtifacts(context.Context, []sluice.ArtifactRecord) error { return nil }

// TestCountingRuns: what a local world records is counted as it ends:
// the run by status, each ended attempt's duration under its run's
// pipeline and environment; a running attempt is not observed.
func TestCountingRuns(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg)
	if err != nil {
		t.Fatal(err)
	}
	inner := &nopWriter{}
	w := (&Daemon{metrics: m}).CountingRuns(inner)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	run := sluice.RunRecord{ID: "r1", Pipeline: "training", Environment: "dev", Status: sluice.ExecutionRunning, Started: t0}
	fit := sluice.AttemptRecord{RunID: "r1", Step: "fit", Path: "fit", Attempt: 1, Status: sluice.ExecutionRunning, Started: t0}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.PutRun(ctx, run))
	must(w.PutAttempt(ctx, fit))
	fit.Status, fit.Stopped = sluice.ExecutionFailed, t0.Add(90*time.Second)
	must(w.PutAttempt(ctx, fit))
	run.Status, run.Stopped = sluice.ExecutionFailed, t0.Add(2*time.Minute)
	must(w.PutRun(ctx, run))
	if inner.runs != 2 || inner.attempts != 2 {
		t.Errorf("the store got %d runs and %d attempts, want every write: 2 and 2", inner.runs, inner.attempts)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range fams {
		for _, mm := range f.GetMetric() {
			var labels []string
			for _, l := range mm.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			key := f.GetName() + "{" + strings.Join(labels, ",") + "}"
			switch {
			case mm.GetHistogram() != nil:
				got[key] = fmt.Sprintf("%d in %gs", mm.GetHistogram().GetSampleCount(), mm.GetHistogram().GetSampleSum())
			case mm.GetCounter() != nil:
				got[key] = fmt.Sprint(mm.GetCounter().GetValue())
			}
		}
	}
	for key, want := range map[string]string{
		"sluice_executions_total{environment=dev,pipeline=training,status=failed}":               "1",
		"sluice_step_duration_seconds{environment=dev,pipeline=training,status=failed,step=fit}": "1 in 90s",
	} {
		if got[key] != want {
			t.Errorf("%s = %q, want %q", key, got[key], want)
		}
	}
	for key := range got {
		if strings.HasPrefix(key, "sluice_step_duration_seconds") && !strings.Contains(key, "status=failed") {
			t.Errorf("%s observed: a running attempt is not an end", key)
		}
	}
}
