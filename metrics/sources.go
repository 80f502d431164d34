package metrics

import "time"

// gitFetchBuckets are the upper bounds, in seconds, of
// sluice_git_fetch_duration_seconds: from a fetch that finds the remote
// head unchanged (one round trip, milliseconds on a local network) to
// the first shallow clone of a large repository over a slow link.
func gitFetchBuckets() []float64 {
	return []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120}
}

// sourceMetrics makes the metrics of Git watching and webhooks.
func (m *Metrics) sourceMetrics(b *builder) {
	m.gitFetches = b.counterVec("sluice_git_fetch_total",
		"Git fetches, by repository and result (succeeded, failed).", "repository", "result")
	m.gitFetchDuration = b.histogramVec("sluice_git_fetch_duration_seconds",
		"Duration of Git fetches, by repository.", gitFetchBuckets(), "repository")
	m.gitPolls = b.counterVec("sluice_git_polls_total",
		"Polls of a repository's watched branches, by repository and result (unchanged, changed, failed).",
		"repository", "result")
	m.webhooks = b.counterVec("sluice_webhook_requests_total",
		"Webhook requests, by provider and result (accepted, ignored, unauthorized, replayed, rate_limited, too_large, bad_request, unknown_source).",
		"provider", "result")
}

// GitFetch records one fetch of repo: its result (FetchSucceeded or
// FetchFailed) and how long it took.
func (m *Metrics) GitFetch(repo, result string, d time.Duration) {
	m.gitFetches.WithLabelValues(repo, result).Inc()
	m.gitFetchDuration.WithLabelValues(repo).Observe(d.Seconds())
}

// GitPoll records one poll of repo and its result (one of the Poll*
// constants).
func (m *Metrics) GitPoll(repo, result string) {
	m.gitPolls.WithLabelValues(repo, result).Inc()
}

// Webhook records one webhook request from provider (github, gitlab or
// generic) and its result (one of the Webhook* constants).
func (m *Metrics) Webhook(provider, result string) {
	m.webhooks.WithLabelValues(provider, result).Inc()
}
