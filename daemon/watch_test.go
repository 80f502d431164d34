package daemon_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// TestDaemonPollsOverHTTP runs the daemon against a repository served
// by a smart-HTTP Git server with no webhook: a push is reconciled
// within the poll interval, and idle polls cost one request each.
func TestDaemonPollsOverHTTP(t *testing.T) {
	bare := gitserver.NewRepo(t, demoFiles(t), "dev")
	gitserver.Branch(t, bare, "dev", "staging")
	gitserver.Branch(t, bare, "dev", "prod")
	srv := gitserver.Start(t, filepath.Dir(bare))
	dir := t.TempDir()
	h := startDaemon(t, dir, configText(dir, srv.URL(filepath.Base(bare)), 5*time.Second))
	first := gitserver.Head(t, bare, "dev")
	h.applied("dev", first, daemon.StateSynced)
	h.applied("staging", first, daemon.StateSynced)

	second := edit(t, bare, "dev", "second")
	pushed := time.Now()
	h.applied("dev", second, daemon.StateSynced)
	if took := time.Since(pushed); took > 8*time.Second {
		t.Errorf("a push was reconciled %s after it, poll interval 5s", took)
	}

	before := srv.Requests()
	polls := counter(t, h, "sluice_git_polls_total", map[string]string{"repository": "ml", "result": "unchanged"})
	h.waitFor("dev", 15*time.Second, "an idle poll", func(daemon.Status) bool {
		return counter(t, h, "sluice_git_polls_total", map[string]string{"repository": "ml", "result": "unchanged"}) > polls
	})
	idle := counter(t, h, "sluice_git_polls_total", map[string]string{"repository": "ml", "result": "unchanged"}) - polls
	if got := srv.Requests() - before; got > int(idle)*2 {
		t.Errorf("%v idle polls made %d HTTP requests: an unchanged head should cost one round trip", idle, got)
	}

	// The remote goes away: the environment keeps what it applied and
	// says why, then recovers when the remote is back.
	srv.SetDown(true)
	s := h.waitFor("dev", 15*time.Second, "the unreachable remote reported", func(s daemon.Status) bool {
		return strings.Contains(s.Message, "cannot read the remote")
	})
	if s.Applied != second || s.Managed == 0 {
		t.Errorf("an unreachable remote changed the environment: applied %.12s, %d managed", s.Applied, s.Managed)
	}
	srv.SetDown(false)
	h.waitFor("dev", 15*time.Second, "recovery", func(s daemon.Status) bool { return s.State == daemon.StateSynced })
}

// TestDaemonCoalescesBursts sends ten signed webhooks at once after ten
// pushes: they make at most two reconciles, and the newest head is
// applied.
func TestDaemonCoalescesBursts(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	before := reconciles(t, h, "dev")
	var last string
	for i := range 10 {
		last = edit(t, h.bare, "dev", fmt.Sprintf("push %d", i))
	}
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if code := h.webhook("dev", testSecret, fmt.Sprintf("burst-%d", i)); code != http.StatusAccepted {
				t.Errorf("webhook %d answered %d", i, code)
			}
		})
	}
	wg.Wait()
	h.applied("dev", last, daemon.StateSynced)
	time.Sleep(300 * time.Millisecond)
	if n := reconciles(t, h, "dev") - before; n < 1 || n > 2 {
		t.Errorf("ten pushes made %v reconciles, want 1 or 2", n)
	}
}

// TestDaemonMetrics scrapes /metrics and checks what the daemon exports
// after deploying: one info series per environment, reconcile counts,
// managed resources and readiness.
func TestDaemonMetrics(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	h.applied("staging", first, daemon.StateSynced)
	h.waitFor("prod", 30*time.Second, "a plan waiting", func(s daemon.Status) bool { return s.State == daemon.StateWaitingApproval })
	resp, err := http.Get(h.api.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d after every environment reconciled", resp.StatusCode)
	}
	fams := scrape(t, h)
	info := fams["sluice_environment_info"].GetMetric()
	states := map[string]string{}
	for _, m := range info {
		l := labels(m)
		if _, dup := states[l["environment"]]; dup {
			t.Errorf("two info series for %s", l["environment"])
		}
		states[l["environment"]] = l["sync_state"]
		if l["environment"] == "dev" && l["revision"] != first {
			t.Errorf("dev info revision = %q, want %q", l["revision"], first)
		}
	}
	want := map[string]string{"dev": daemon.StateSynced, "staging": daemon.StateSynced, "prod": daemon.StateWaitingApproval}
	for env, state := range want {
		if states[env] != state {
			t.Errorf("sluice_environment_info{environment=%q} sync_state = %q, want %q", env, states[env], state)
		}
	}
	if n := value(fams, "sluice_reconcile_total", map[string]string{"environment": "dev", "result": "applied"}); n != 1 {
		t.Errorf("dev applied reconciles = %v, want 1", n)
	}
	if n := value(fams, "sluice_managed_resources", map[string]string{"environment": "dev", "kind": "StateMachine"}); n != 1 {
		t.Errorf("dev managed state machines = %v, want 1", n)
	}
	if n := value(fams, "sluice_environment_synced", map[string]string{"environment": "prod"}); n != 0 {
		t.Errorf("prod synced = %v while waiting for approval, want 0", n)
	}
}

func reconciles(t *testing.T, h *harness, env string) float64 {
	t.Helper()
	fams := scrape(t, h)
	total := 0.0
	for _, m := range fams["sluice_reconcile_total"].GetMetric() {
		if labels(m)["environment"] == env {
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

func counter(t *testing.T, h *harness, name string, want map[string]string) float64 {
	t.Helper()
	return value(scrape(t, h), name, want)
}

// value returns the value of the series of name whose labels include
// want, 0 when there is none.
func value(fams map[string]*dto.MetricFamily, name string, want map[string]string) float64 {
	for _, m := range fams[name].GetMetric() {
		l := labels(m)
		match := true
		for k, v := range want {
			match = match && l[k] == v
		}
		if match {
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

func scrape(t *testing.T, h *harness) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(h.api.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return fams
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, p := range m.GetLabel() {
		out[p.GetName()] = p.GetValue()
	}
	return out
}
