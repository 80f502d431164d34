package metrics

import "time"

// Results of a run event (an execution's or Batch job's status change,
// from the event queue or the catch-up listing) written to the run
// store.
const (
	RunEventWritten = "written"
	RunEventFailed  = "failed"
)

// runMetrics makes the metrics of run ingestion on AWS.
func (m *Metrics) runMetrics(b *builder) {
	m.runEvents = b.counterVec("sluice_run_events_total",
		"Execution and Batch job status changes ingested into the run store, by environment and result (written, failed: left in the queue, delivered again).",
		"environment", "result")
	m.runIngestLag = b.gaugeVec("sluice_run_ingestion_lag_seconds",
		"Seconds from the last ingested event's status change to its write into the run store, by environment.",
		"environment")
}

// RunEvent counts one run event of env written to the run store or
// failed.
func (m *Metrics) RunEvent(env, result string) {
	m.runEvents.WithLabelValues(env, result).Inc()
}

// SetRunIngestLag sets env's ingestion lag: how long after its status
// changed an event was written.
func (m *Metrics) SetRunIngestLag(env string, lag time.Duration) {
	m.runIngestLag.WithLabelValues(env).Set(lag.Seconds())
}
