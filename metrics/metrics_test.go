package metrics_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/metrics"
)

// L is a label set.
type L = map[string]string

// sample is the value one series must have.
type sample struct {
	name   string
	labels L
	want   float64
}

var t0 = time.Date(2026, 11, 26, 12, 0, 0, 500_000_000, time.UTC)

func TestMethodsExportTheirSeries(t *testing.T) {
	tests := []struct {
		name  string
		drive func(m *metrics.Metrics)
		want  []sample
		// count is the number of series each family must have.
		count map[string]int
	}{
		{
			name: "reconciles by environment and result",
			drive: func(m *metrics.Metrics) {
				m.ReconcileDone("dev", metrics.ReconcileApplied, 2*time.Second)
				m.ReconcileDone("dev", metrics.ReconcileApplied, time.Second)
				m.ReconcileDone("prod", metrics.ReconcileWaitingApproval, time.Millisecond)
			},
			want: []sample{
				{"sluice_reconcile_total", L{"environment": "dev", "result": "applied"}, 2},
				{"sluice_reconcile_total", L{"environment": "prod", "result": "waiting_approval"}, 1},
			},
			count: map[string]int{"sluice_reconcile_total": 2, "sluice_reconcile_duration_seconds": 2},
		},
		{
			name: "operations by kind, action and result",
			drive: func(m *metrics.Metrics) {
				m.Operation("dev", "StateMachine", metrics.ActionCreate, metrics.OperationSucceeded)
				m.Operation("dev", "StateMachine", metrics.ActionCreate, metrics.OperationSucceeded)
				m.Operation("dev", "JobDefinition", metrics.ActionReplace, metrics.OperationFailed)
			},
			want: []sample{
				{"sluice_operations_total", L{"environment": "dev", "kind": "StateMachine", "action": "create", "result": "succeeded"}, 2},
				{"sluice_operations_total", L{"environment": "dev", "kind": "JobDefinition", "action": "replace", "result": "failed"}, 1},
			},
			count: map[string]int{"sluice_operations_total": 2},
		},
		{
			name: "managed kinds no longer present are zeroed",
			drive: func(m *metrics.Metrics) {
				m.SetManaged("dev", map[string]int{"StateMachine": 3, "JobDefinition": 5})
				m.SetManaged("dev", map[string]int{"StateMachine": 4})
				m.SetManaged("prod", map[string]int{"Bucket": 1})
			},
			want: []sample{
				{"sluice_managed_resources", L{"environment": "dev", "kind": "StateMachine"}, 4},
				{"sluice_managed_resources", L{"environment": "dev", "kind": "JobDefinition"}, 0},
				{"sluice_managed_resources", L{"environment": "prod", "kind": "Bucket"}, 1},
			},
			count: map[string]int{"sluice_managed_resources": 3},
		},
		{
			name: "gauges of an environment's state",
			drive: func(m *metrics.Metrics) {
				m.SetDrifted("dev", 7)
				m.SetDrifted("dev", 2)
				m.SetHeld("dev", 1)
				m.SetLastSuccess("dev", t0)
				m.SetSynced("dev", true)
				m.SetSynced("prod", true)
				m.SetSynced("prod", false)
			},
			want: []sample{
				{"sluice_drifted_resources", L{"environment": "dev"}, 2},
				{"sluice_held_documents", L{"environment": "dev"}, 1},
				{"sluice_last_successful_reconcile_timestamp_seconds", L{"environment": "dev"}, float64(t0.Unix()) + 0.5},
				{"sluice_environment_synced", L{"environment": "dev"}, 1},
				{"sluice_environment_synced", L{"environment": "prod"}, 0},
			},
		},
		{
			name: "info gauge keeps one series per environment",
			drive: func(m *metrics.Metrics) {
				m.SetEnvironment("dev", "ml", "dev", "aaa111", metrics.StateOutOfSync)
				m.SetEnvironment("dev", "ml", "dev", "bbb222", metrics.StateSynced)
				m.SetEnvironment("prod", "ml", "prod", "ccc333", metrics.StateWaitingApproval)
			},
			want: []sample{
				{"sluice_environment_info", L{"environment": "dev", "repository": "ml", "branch": "dev", "revision": "bbb222", "sync_state": "synced"}, 1},
				{"sluice_environment_info", L{"environment": "prod", "repository": "ml", "branch": "prod", "revision": "ccc333", "sync_state": "waiting_approval"}, 1},
			},
			count: map[string]int{"sluice_environment_info": 2},
		},
		{
			name: "git and webhooks",
			drive: func(m *metrics.Metrics) {
				m.GitFetch("ml", metrics.FetchSucceeded, 40*time.Millisecond)
				m.GitFetch("ml", metrics.FetchFailed, 3*time.Second)
				m.GitPoll("ml", metrics.PollUnchanged)
				m.GitPoll("ml", metrics.PollUnchanged)
				m.GitPoll("ml", metrics.PollChanged)
				m.Webhook("github", metrics.WebhookAccepted)
				m.Webhook("github", metrics.WebhookUnauthorized)
				m.Webhook("gitlab", metrics.WebhookUnauthorized)
			},
			want: []sample{
				{"sluice_git_fetch_total", L{"repository": "ml", "result": "succeeded"}, 1},
				{"sluice_git_fetch_total", L{"repository": "ml", "result": "failed"}, 1},
				{"sluice_git_polls_total", L{"repository": "ml", "result": "unchanged"}, 2},
				{"sluice_git_polls_total", L{"repository": "ml", "result": "changed"}, 1},
				{"sluice_webhook_requests_total", L{"provider": "github", "result": "accepted"}, 1},
				{"sluice_webhook_requests_total", L{"provider": "github", "result": "unauthorized"}, 1},
				{"sluice_webhook_requests_total", L{"provider": "gitlab", "result": "unauthorized"}, 1},
			},
			count: map[string]int{"sluice_git_fetch_duration_seconds": 1},
		},
		{
			name: "executions",
			drive: func(m *metrics.Metrics) {
				m.ExecutionRunning("dev", "training", 1)
				m.ExecutionRunning("dev", "training", 1)
				m.ExecutionRunning("dev", "training", -1)
				m.Execution("dev", "training", "SUCCEEDED")
				m.StepEnded("dev", "training", "fit", "FAILED", time.Minute)
				m.StepEnded("dev", "training", "fit", "SUCCEEDED", 2*time.Minute)
				m.StepEnded("dev", "training", "fit", "SUCCEEDED", 3*time.Minute)
			},
			want: []sample{
				{"sluice_executions_running", L{"environment": "dev", "pipeline": "training"}, 1},
				{"sluice_executions_total", L{"environment": "dev", "pipeline": "training", "status": "succeeded"}, 1},
			},
			count: map[string]int{"sluice_step_duration_seconds": 2},
		},
		{
			name: "a failed reload keeps the loaded configuration's hash and time",
			drive: func(m *metrics.Metrics) {
				m.ConfigReloaded(true, "abcdef0123456789", t0)
				m.ConfigReloaded(false, "ffffffffffffffff", t0.Add(time.Hour))
			},
			want: []sample{
				{"sluice_config_last_reload_successful", L{}, 0},
				{"sluice_config_last_reload_success_timestamp_seconds", L{}, float64(t0.Unix()) + 0.5},
				{"sluice_config_hash", L{}, 0xabcdef012345},
			},
		},
		{
			name: "a successful reload",
			drive: func(m *metrics.Metrics) {
				m.ConfigReloaded(false, "ffffffffffffffff", t0)
				m.ConfigReloaded(true, "0123456789abcdef", t0.Add(time.Hour))
			},
			want: []sample{
				{"sluice_config_last_reload_successful", L{}, 1},
				{"sluice_config_last_reload_success_timestamp_seconds", L{}, float64(t0.Add(time.Hour).Unix()) + 0.5},
				{"sluice_config_hash", L{}, 0x0123456789ab},
			},
		},
		{
			name:  "build info",
			drive: func(m *metrics.Metrics) { m.SetBuildInfo("v1.2.3") },
			want: []sample{
				{"sluice_build_info", L{"version": "v1.2.3", "goversion": runtime.Version()}, 1},
			},
			count: map[string]int{"sluice_build_info": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, reg := mustNew(t)
			tt.drive(m)
			fams := scrape(t, reg)
			for _, s := range tt.want {
				if got := fams.value(t, s.name, s.labels); got != s.want {
					t.Errorf("%s%v = %v, want %v", s.name, s.labels, got, s.want)
				}
			}
			for name, n := range tt.count {
				if got := fams.series(name); len(got) != n {
					t.Errorf("%s: %d series %v, want %d", name, len(got), got, n)
				}
			}
		})
	}
}

func TestReconcileDurationHistogram(t *testing.T) {
	m, reg := mustNew(t)
	for _, d := range []time.Duration{4 * time.Millisecond, 9 * time.Millisecond, 4 * time.Minute, time.Hour} {
		m.ReconcileDone("dev", metrics.ReconcileApplied, d)
	}
	h := scrape(t, reg).find(t, "sluice_reconcile_duration_seconds", L{"environment": "dev", "result": "applied"}).GetHistogram()
	if h.GetSampleCount() != 4 {
		t.Errorf("count = %d, want 4", h.GetSampleCount())
	}
	if want := 0.004 + 0.009 + 240 + 3600; h.GetSampleSum() != want {
		t.Errorf("sum = %v, want %v", h.GetSampleSum(), want)
	}
	want := map[float64]uint64{0.005: 1, 0.01: 2, 300: 3, 1800: 3}
	for _, b := range h.GetBucket() {
		if n, ok := want[b.GetUpperBound()]; ok && b.GetCumulativeCount() != n {
			t.Errorf("bucket le=%v: %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), n)
		}
		delete(want, b.GetUpperBound())
	}
	if len(want) > 0 {
		t.Errorf("buckets missing: %v", want)
	}
}

// driveAll calls every method once for env.
func driveAll(m *metrics.Metrics, env string) {
	m.ReconcileDone(env, metrics.ReconcileUnchanged, time.Millisecond)
	m.Operation(env, "StateMachine", metrics.ActionUpdate, metrics.OperationSucceeded)
	m.SetManaged(env, map[string]int{"StateMachine": 1})
	m.SetDrifted(env, 1)
	m.SetHeld(env, 1)
	m.SetLastSuccess(env, t0)
	m.SetSynced(env, true)
	m.SetEnvironment(env, "ml", env, "abc", metrics.StateSynced)
	m.Execution(env, "training", "failed")
	m.StepEnded(env, "training", "fit", "succeeded", time.Minute)
	m.ExecutionRunning(env, "training", 1)
	m.RunEvent(env, metrics.RunEventWritten)
	m.SetRunIngestLag(env, time.Second)
	m.GitFetch("ml", metrics.FetchSucceeded, time.Millisecond)
	m.GitPoll("ml", metrics.PollChanged)
	m.Webhook("generic", metrics.WebhookReplayed)
	m.Record("SFN", "UpdateStateMachine", "ok")
	m.RecordRetry("SFN", "UpdateStateMachine")
	m.ConfigReloaded(true, "0123456789abcdef", t0)
}

func TestForgetEnvironmentDeletesItsSeries(t *testing.T) {
	m, reg := mustNew(t)
	driveAll(m, "dev")
	driveAll(m, "prod")
	m.ForgetEnvironment("dev")
	fams := scrape(t, reg)
	for name, f := range fams {
		for _, s := range f.GetMetric() {
			if labelsOf(s)["environment"] == "dev" {
				t.Errorf("%s%v survived ForgetEnvironment", name, labelsOf(s))
			}
		}
	}
	if got := fams.value(t, "sluice_environment_synced", L{"environment": "prod"}); got != 1 {
		t.Errorf("prod's synced gauge = %v, want 1", got)
	}
	// A forgotten environment that comes back starts from nothing: its
	// kinds from before are not zeroed back into existence.
	m.SetManaged("dev", map[string]int{"Bucket": 1})
	if got := scrape(t, reg).series("sluice_managed_resources"); len(got) != 2 {
		t.Errorf("managed series = %v, want dev's Bucket and prod's StateMachine", got)
	}
}

func TestNamesAreTheExportedFamilies(t *testing.T) {
	m, reg := mustNew(t)
	driveAll(m, "dev")
	fams := scrape(t, reg)
	names := m.Names()
	if len(names) != len(fams) {
		t.Errorf("Names() has %d names, the scrape %d families", len(names), len(fams))
	}
	for _, n := range names {
		if fams[n] == nil {
			t.Errorf("Names() has %s, the scrape does not", n)
		}
	}
}

func TestNewRefusesARegistryThatHasThem(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := metrics.New(reg); err != nil {
		t.Fatal(err)
	}
	if _, err := metrics.New(reg); err == nil {
		t.Error("second New on one registry: no error")
	}
	m, err := metrics.New(nil)
	if err != nil {
		t.Fatalf("New(nil): %v", err)
	}
	driveAll(m, "dev")
}

func TestHashValue(t *testing.T) {
	tests := []struct {
		hash string
		want float64
	}{
		{"abcdef0123456789", 0xabcdef012345},
		{"ABCDEF012345", 0xabcdef012345},
		{"000000000000ff", 0},
	}
	for _, tt := range tests {
		if got := metrics.HashValue(tt.hash); got != tt.want {
			t.Errorf("HashValue(%q) = %v, want %v", tt.hash, got, tt.want)
		}
	}
	a, b := metrics.HashValue("not hex"), metrics.HashValue("not hex either")
	if a == b || a >= 1<<48 || b >= 1<<48 {
		t.Errorf("HashValue of non-hex strings: %v and %v, want two different values under 2^48", a, b)
	}
}
