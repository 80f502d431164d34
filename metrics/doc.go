// Package metrics owns the Prometheus metrics Sluice exports on /metrics:
// their names, help texts, labels and histogram buckets, and methods with
// plain arguments (strings, durations, times, counts) through which the
// daemon, the Git watcher, the webhook receiver and the AWS middleware
// report what they did.
//
// Every metric is registered on the prometheus.Registerer given to New,
// never on the global registry, and every name starts with "sluice_".
// Labels are bounded: environment, repository, provider, resource kind,
// action, result, AWS service and operation, and pipeline names, all of
// which the configuration or the repository bounds. A revision appears
// only on the sluice_environment_info gauge, which keeps one series per
// environment. Error texts and resource names never become labels.
//
// The Grafana dashboard and the Prometheus alert rules that read these
// metrics live in docs/monitoring; a test checks that every metric name
// they use is one this package registers (Names).
package metrics
