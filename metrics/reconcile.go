package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// reconcileBuckets are the upper bounds, in seconds, of
// sluice_reconcile_duration_seconds. They span the durations measured in
// docs/performance.md: a no-op cycle (unchanged plan) on 1,000 pipelines
// takes about 10 ms, and a cold apply of 100 pipelines under AWS's
// default quotas about 233 s; 30 minutes leaves room for a cold apply of
// a larger repository.
func reconcileBuckets() []float64 {
	return []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800}
}

// reconcileMetrics makes the metrics of the per-environment loop.
func (m *Metrics) reconcileMetrics(b *builder) {
	m.reconciles = b.counterVec("sluice_reconcile_total",
		"Reconciles finished, by environment and result (applied, unchanged, failed, held, waiting_approval).",
		"environment", "result")
	m.reconcileDuration = b.histogramVec("sluice_reconcile_duration_seconds",
		"Duration of reconciles, by environment and result.",
		reconcileBuckets(), "environment", "result")
	m.operations = b.counterVec("sluice_operations_total",
		"Operations on resources, by environment, resource kind, action (create, update, replace, delete, adopt) and result (succeeded, failed, waiting).",
		"environment", "kind", "action", "result")
	m.managed = b.gaugeVec("sluice_managed_resources",
		"Resources in Sluice's inventory, by environment and kind.", "environment", "kind")
	m.drifted = b.gaugeVec("sluice_drifted_resources",
		"Resources whose observed state differs from what Sluice applied, by environment.", "environment")
	m.held = b.gaugeVec("sluice_held_documents",
		"Files and documents held at their last applied state because of findings (including a broken project file and an empty documents folder), by environment.", "environment")
	m.lastSuccess = b.gaugeVec("sluice_last_successful_reconcile_timestamp_seconds",
		"Unix time of the environment's last successful reconcile: an apply, a plan with nothing to change or waiting for approval, or a poll that found the branch unmoved and in sync. Kept in the state file: exported again after a restart.", "environment")
	m.synced = b.gaugeVec("sluice_environment_synced",
		"1 when the environment's last reconcile succeeded and its applied revision is its branch head (or the revision a rollback holds it at), else 0.", "environment")
	m.envInfo = b.gaugeVec("sluice_environment_info",
		"Always 1: the environment's repository, branch, applied revision and sync state as labels; one series per environment.",
		"environment", "repository", "branch", "revision", "sync_state")
}

// ReconcileDone records one finished reconcile of env: its result (one of
// the Reconcile* constants) and how long it took.
func (m *Metrics) ReconcileDone(env, result string, d time.Duration) {
	m.reconciles.WithLabelValues(env, result).Inc()
	m.reconcileDuration.WithLabelValues(env, result).Observe(d.Seconds())
}

// Operation records one operation on a resource of kind (a resource type
// such as StateMachine) in env: action is one of the Action* constants,
// result one of the Operation* constants.
func (m *Metrics) Operation(env, kind, action, result string) {
	m.operations.WithLabelValues(env, kind, action, result).Inc()
}

// SetManaged sets the number of managed resources of env per kind. Kinds
// set at an earlier call and absent from byKind are set to 0.
func (m *Metrics) SetManaged(env string, byKind map[string]int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := m.kinds[env]
	if seen == nil {
		seen = map[string]bool{}
		m.kinds[env] = seen
	}
	for kind := range seen {
		if _, ok := byKind[kind]; !ok {
			m.managed.WithLabelValues(env, kind).Set(0)
		}
	}
	for kind, n := range byKind {
		m.managed.WithLabelValues(env, kind).Set(float64(n))
		seen[kind] = true
	}
}

// SetDrifted sets the number of drifted resources of env.
func (m *Metrics) SetDrifted(env string, n int) {
	m.drifted.WithLabelValues(env).Set(float64(n))
}

// SetHeld sets how many files and documents of env are held because of
// findings (see rollout.Desired.Holds).
func (m *Metrics) SetHeld(env string, n int) {
	m.held.WithLabelValues(env).Set(float64(n))
}

// SetLastSuccess records t as the time of env's last successful reconcile.
func (m *Metrics) SetLastSuccess(env string, t time.Time) {
	m.lastSuccess.WithLabelValues(env).Set(float64(t.UnixNano()) / 1e9)
}

// SetSynced records whether env is synced: its last reconcile succeeded
// and its applied revision is its branch head (or the revision a
// rollback holds it at).
func (m *Metrics) SetSynced(env string, ok bool) {
	v := 0.0
	if ok {
		v = 1
	}
	m.synced.WithLabelValues(env).Set(v)
}

// SetEnvironment sets env's info gauge: the repository and branch it
// follows, the revision applied and its sync state (one of the State*
// constants). The environment's previous series is deleted, so one
// remains.
func (m *Metrics) SetEnvironment(env, repo, branch, revision, state string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.envInfo.DeletePartialMatch(prometheus.Labels{"environment": env})
	m.envInfo.WithLabelValues(env, repo, branch, revision, state).Set(1)
}

// ForgetEnvironment deletes every series of env, for an environment a
// configuration reload removed. Series of its pipelines' executions go
// too.
func (m *Metrics) ForgetEnvironment(env string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	match := prometheus.Labels{"environment": env}
	for _, v := range m.environmentVecs() {
		v.DeletePartialMatch(match)
	}
	delete(m.kinds, env)
}

// partialDeleter is what every vector with labels offers.
type partialDeleter interface {
	DeletePartialMatch(labels prometheus.Labels) int
}

// environmentVecs returns every vector with an environment label.
func (m *Metrics) environmentVecs() []partialDeleter {
	return []partialDeleter{
		m.reconciles, m.reconcileDuration, m.operations, m.managed, m.drifted,
		m.held, m.lastSuccess, m.synced, m.envInfo, m.executions, m.executionsRunning,
		m.stepDuration, m.runEvents, m.runIngestLag,
	}
}
