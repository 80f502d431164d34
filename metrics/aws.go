package metrics

// awsMetrics makes the metrics of calls to AWS.
func (m *Metrics) awsMetrics(b *builder) {
	m.awsCalls = b.counterVec("sluice_aws_api_calls_total",
		"Attempts of AWS API calls, by service, operation and result (ok, throttled, error); retries included.",
		"service", "operation", "result")
	m.awsRetries = b.counterVec("sluice_aws_api_retries_total",
		"Attempts of AWS API calls that retried an earlier attempt, by service and operation.",
		"service", "operation")
}

// Record counts one attempt of operation on service (the SDK's service
// ID, e.g. "SFN") with its result ("ok", "throttled" or "error"). With
// RecordRetry it makes *Metrics an awsapi.Recorder.
func (m *Metrics) Record(service, operation, result string) {
	m.awsCalls.WithLabelValues(service, operation, result).Inc()
}

// RecordRetry counts one attempt of operation on service that retried an
// earlier one.
func (m *Metrics) RecordRetry(service, operation string) {
	m.awsRetries.WithLabelValues(service, operation).Inc()
}
