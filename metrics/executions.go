package metrics

// executionMetrics makes the metrics of pipeline executions.
func (m *Metrics) executionMetrics(b *builder) {
	m.executions = b.counterVec("sluice_executions_total",
		"Pipeline executions finished, by environment, pipeline and final status.",
		"environment", "pipeline", "status")
	m.executionsRunning = b.gaugeVec("sluice_executions_running",
		"Pipeline executions running, by environment and pipeline.", "environment", "pipeline")
}

// Execution counts one finished execution of pipeline in env with its
// final status as the backend reports it, lower case (succeeded, failed,
// timed_out, aborted).
func (m *Metrics) Execution(env, pipeline, status string) {
	m.executions.WithLabelValues(env, pipeline, status).Inc()
}

// ExecutionRunning adds delta (1 when an execution starts, -1 when it
// ends) to the number of running executions of pipeline in env.
func (m *Metrics) ExecutionRunning(env, pipeline string, delta int) {
	m.executionsRunning.WithLabelValues(env, pipeline).Add(float64(delta))
}
