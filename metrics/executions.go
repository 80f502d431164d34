package metrics

import (
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// stepBuckets are the upper bounds, in seconds, of step durations: from
// a second to about 18 hours, each four times the last.
func stepBuckets() []float64 { return prometheus.ExponentialBuckets(1, 4, 9) }

// executionMetrics makes the metrics of pipeline executions.
func (m *Metrics) executionMetrics(b *builder) {
	m.executions = b.counterVec("sluice_executions_total",
		"Pipeline executions finished, whoever started them, by environment, pipeline and final status.",
		"environment", "pipeline", "status")
	m.stepDuration = b.histogramVec("sluice_step_duration_seconds",
		"Duration of step attempts that ended, by environment, pipeline, step and final status.",
		stepBuckets(), "environment", "pipeline", "step", "status")
	m.executionsRunning = b.gaugeVec("sluice_executions_running",
		"Pipeline executions running, by environment and pipeline.", "environment", "pipeline")
}

// Execution counts one finished execution of pipeline in env with its
// final status as the backend reports it, in lower case (succeeded,
// failed, timed_out, aborted).
func (m *Metrics) Execution(env, pipeline, status string) {
	m.executions.WithLabelValues(env, pipeline, strings.ToLower(status)).Inc()
}

// StepEnded observes how long an attempt of step of pipeline in env
// took, by its final status in lower case (succeeded, failed). A step
// inside a foreach is observed once per copy, under the step's name.
func (m *Metrics) StepEnded(env, pipeline, step, status string, took time.Duration) {
	m.stepDuration.WithLabelValues(env, pipeline, step, strings.ToLower(status)).Observe(max(took, 0).Seconds())
}

// ExecutionRunning adds delta (1 when an execution starts, -1 when it
// ends) to the number of running executions of pipeline in env.
func (m *Metrics) ExecutionRunning(env, pipeline string, delta int) {
	m.executionsRunning.WithLabelValues(env, pipeline).Add(float64(delta))
}
