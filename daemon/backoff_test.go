package daemon_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
)

// Bounds of the failure tests: over five simulated minutes a backoff
// of 750 ms doubling (jittered down by up to a quarter) allows about
// ten attempts; a hot loop makes thousands.
const (
	simulated   = 5 * time.Minute
	maxAttempts = 12
	minAttempts = 4
)

// faultRig is a daemon on the simulated clock over the demo repository,
// every environment with a drift interval of a minute (a drift tick
// every 6 s for sync: auto), and faults to switch on.
type faultRig struct {
	h     *harness
	text  string
	clock *fakeClock
	logs  *logRecorder
	first string
	// failWrites and failReads make the local backend's changes and
	// reads fail (transient); refuse makes its changes stall as a
	// resource not Sluice's would (reason NotOwned); leaveBehind makes
	// its deletions say they left something in place.
	failWrites, failReads, refuse, leaveBehind atomic.Bool
}

// newFaultRig starts the rig over the repository at bare, served at url
// (file:// when empty), and waits until dev and staging applied the
// first commit and prod's plan waits for approval.
func newFaultRig(t *testing.T, bare, url string, poll time.Duration) *faultRig {
	t.Helper()
	if url == "" {
		url = gitserver.FileURL(bare)
	}
	r := &faultRig{clock: newFakeClock(), logs: &logRecorder{}, first: gitserver.Head(t, bare, "dev")}
	dir := t.TempDir()
	text := strings.ReplaceAll(configText(dir, url, poll), "driftInterval: 0s", "driftInterval: 1m")
	r.text = text
	r.h = startDaemonWith(t, dir, text, harnessOptions{clock: r.clock, logs: r.logs, target: r.faulty})
	r.h.bare = bare
	r.h.applied("dev", r.first, daemon.StateSynced)
	r.h.applied("staging", r.first, daemon.StateSynced)
	r.h.waitFor("prod", 30*time.Second, "a plan waiting", func(s daemon.Status) bool { return s.State == daemon.StateWaitingApproval })
	r.clock.waitPending(t, 4)
	return r
}

// newDemoRepo makes the demo repository with dev, staging and prod.
func newDemoRepo(t *testing.T) string {
	bare := gitserver.NewRepo(t, demoFiles(t), "dev")
	gitserver.Branch(t, bare, "dev", "staging")
	gitserver.Branch(t, bare, "dev", "prod")
	return bare
}

// faulty wraps the target's backends with the rig's faults.
func (r *faultRig) faulty(_ config.Environment, t *rollout.Target) (*rollout.Target, error) {
	out := *t
	out.Backends = map[sluice.ResourceType]reconcile.Backend{}
	for typ, b := range t.Backends {
		out.Backends[typ] = faultyBackend{Backend: b, r: r}
	}
	return &out, nil
}

type faultyBackend struct {
	reconcile.Backend
	r *faultRig
}

var errInjected = sluice.Transient(errors.New("injected fault: the backend does not answer"))

func (b faultyBackend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	if b.r.failReads.Load() {
		return sluice.Observation{}, errInjected
	}
	return b.Backend.Observe(ctx, t)
}

// errNotOwned is the refusal of a resource whose ownership tags are
// lost.
var errNotOwned = sluice.Because(sluice.RetryStalled, sluice.ReasonNotOwned, 0, errors.New("injected fault: the resource does not carry Sluice's ownership tags"))

func (b faultyBackend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	if b.r.failWrites.Load() {
		return sluice.Observation{}, errInjected
	}
	if b.r.refuse.Load() {
		return sluice.Observation{}, errNotOwned
	}
	return b.Backend.Create(ctx, t)
}

func (b faultyBackend) Delete(ctx context.Context, t sluice.Target, cur sluice.Observation) error {
	if err := b.Backend.Delete(ctx, t, cur); err != nil || !b.r.leaveBehind.Load() {
		return err
	}
	return &sluice.LeftBehind{What: "injected: a revision registered by hand"}
}

func (b faultyBackend) Update(ctx context.Context, t sluice.Target, cur sluice.Observation) (sluice.Observation, error) {
	if b.r.failWrites.Load() {
		return sluice.Observation{}, errInjected
	}
	return b.Backend.Update(ctx, t, cur)
}

// attempts returns env's reconciles that ended with result.
func (r *faultRig) attempts(t *testing.T, env, result string) float64 {
	t.Helper()
	return counter(t, r.h, "sluice_reconcile_total", map[string]string{"environment": env, "result": result})
}

// failsBounded advances the clock by simulated and checks that each env
// failed (with result) between minAttempts and maxAttempts times, and
// logged one ERROR line with its decision for a failure that repeats.
func (r *faultRig) failsBounded(t *testing.T, result, decision string, envs ...string) {
	t.Helper()
	before := map[string]float64{}
	for _, env := range envs {
		before[env] = r.attempts(t, env, result)
	}
	spins := r.clock.immediateTimers()
	r.clock.advance(t, simulated)
	if n := r.clock.immediateTimers() - spins; n > 3 {
		t.Errorf("%d timers due at once were started in %s simulated: the daemon spins", n, simulated)
	}
	for _, env := range envs {
		n := r.attempts(t, env, result) - before[env]
		if n > maxAttempts || n < minAttempts {
			t.Errorf("%s: %v %s reconciles in %s simulated, want %d to %d", env, n, result, simulated, minAttempts, maxAttempts)
		}
		lines := r.logs.matching(slog.LevelError, "reconcile failed", map[string]string{"env": env})
		if len(lines) == 0 || len(lines) > 2 {
			t.Errorf("%s: %d ERROR lines for %v failed reconciles of one error, want 1 (2 if it started before the clock moved)", env, len(lines), n)
			continue
		}
		if l := lines[0]; l["decision"] != decision || l["err"] == "" || l["revision"] == "" {
			t.Errorf("%s: ERROR line %v, want the revision, decision %s and the error", env, l, decision)
		}
	}
}

// TestBackoffRemoteUnreachable takes the Git host down: every poll fails,
// and each environment fails a handful of times in five minutes, drift
// ticks due every 6 s notwithstanding; the polls are counted as failed.
func TestBackoffRemoteUnreachable(t *testing.T) {
	bare := newDemoRepo(t)
	srv := gitserver.Start(t, filepath.Dir(bare))
	r := newFaultRig(t, bare, srv.URL(filepath.Base(bare)), 10*time.Second)
	srv.SetDown(true)
	r.failsBounded(t, "failed", "transient", "dev", "staging", "prod")
	if n := counter(t, r.h, "sluice_git_polls_total", map[string]string{"repository": "ml", "result": "failed"}); n < 25 {
		t.Errorf("%v failed polls counted in %s at a poll every 10 s, want about 30", n, simulated)
	}
	// About thirty failed polls of one cause: one WARN line (two if the
	// first failure came before the clock moved), not one a poll.
	if lines := r.logs.matching(slog.LevelWarn, "poll failed", nil); len(lines) == 0 || len(lines) > 2 {
		t.Errorf("%d WARN lines for about 30 failed polls of one cause, want 1 or 2: %v", len(lines), lines)
	}
	s := r.h.status("dev")
	if s.Applied != r.first || !strings.Contains(s.Message, "cannot read the remote") {
		t.Errorf("dev while the remote is down: applied %.12s, %q", s.Applied, s.Message)
	}

	srv.SetDown(false)
	r.clock.advance(t, 11*time.Second) // the next poll (10 s jittered by up to 5 %)
	r.h.waitFor("dev", 30*time.Second, "recovery", func(s daemon.Status) bool { return s.State == daemon.StateSynced })
	if lines := r.logs.matching(slog.LevelInfo, "poll succeeded after failures", nil); len(lines) != 1 || lines[0]["suppressed"] == "0" {
		t.Errorf("after the remote came back: %v, want one line saying how many failed polls were not logged", lines)
	}
}

// TestBackoffFetchFails makes the remote answer polls but fail fetches,
// for an automatic and a manual environment (sync: manual once spun
// after two minutes of this).
func TestBackoffFetchFails(t *testing.T) {
	bare := newDemoRepo(t)
	srv := gitserver.Start(t, filepath.Dir(bare))
	var failFetch atomic.Bool
	target, _ := url.Parse(srv.URL(""))
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if failFetch.Load() && req.Method == http.MethodPost {
			http.Error(w, "injected fault", http.StatusInternalServerError)
			return
		}
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(front.Close)
	r := newFaultRig(t, bare, strings.TrimSuffix(front.URL, "/")+"/"+filepath.Base(bare), time.Hour)
	failFetch.Store(true)
	edit(t, bare, "dev", "unfetchable")
	gitserver.Merge(t, bare, "dev", "prod")
	r.h.webhook("dev", testSecret, "fetch-fails")
	for _, env := range []string{"dev", "prod"} {
		r.h.waitFor(env, 30*time.Second, "the failed fetch", func(s daemon.Status) bool { return strings.Contains(s.Message, "fetch "+env) })
	}
	r.clock.waitPending(t, 4)
	r.failsBounded(t, "failed", "transient", "dev", "prod")
}

// TestBackoffInvalidProject commits an invalid project file: the
// environment is held (stalled: a person must act), and drift ticks
// retry it no more often than the backoff.
func TestBackoffInvalidProject(t *testing.T) {
	bare := newDemoRepo(t)
	r := newFaultRig(t, bare, "", time.Hour)
	gitserver.Commit(t, bare, "dev", map[string]string{"sluice.yaml": "apiVersion: [broken\n"}, "break the project")
	r.h.webhook("dev", testSecret, "invalid")
	r.h.waitFor("dev", 30*time.Second, "the held project", func(s daemon.Status) bool { return strings.Contains(s.Message, "project file is invalid") })
	r.clock.waitPending(t, 4)
	r.failsBounded(t, "held", "stalled", "dev")
}

// TestBackoffBackendFails makes every change of the backend fail.
func TestBackoffBackendFails(t *testing.T) {
	bare := newDemoRepo(t)
	r := newFaultRig(t, bare, "", time.Hour)
	r.failWrites.Store(true)
	edit(t, bare, "dev", "cannot be applied")
	r.h.webhook("dev", testSecret, "backend")
	r.h.waitFor("dev", 30*time.Second, "the failed apply", func(s daemon.Status) bool { return s.State == daemon.StateFailed })
	r.clock.waitPending(t, 4)
	r.failsBounded(t, "failed", "transient", "dev")

	// Ten minutes on, the failure is logged again with the number of
	// repeats that were not.
	r.clock.advance(t, 10*time.Minute)
	lines := r.logs.waitMatching(t, 2, slog.LevelError, "reconcile failed", map[string]string{"env": "dev"})
	if len(lines) != 2 || lines[1]["suppressed"] == "0" || lines[1]["suppressed"] == "" {
		t.Errorf("after 15 minutes of one failure: ERROR lines %v, want 2, the second saying how many were suppressed", lines)
	}
}

// TestDriftTicksDoNotFetch lets drift ticks run for two minutes on
// unmoved branches: they read the backends, never the Git remote.
func TestDriftTicksDoNotFetch(t *testing.T) {
	bare := newDemoRepo(t)
	r := newFaultRig(t, bare, "", time.Hour)
	fetches := func() float64 {
		return counter(t, r.h, "sluice_git_fetch_total", map[string]string{"repository": "ml", "result": "succeeded"})
	}
	before, checks := fetches(), r.attempts(t, "dev", "unchanged")
	r.clock.advance(t, 2*time.Minute)
	if n := r.attempts(t, "dev", "unchanged") - checks; n < 10 {
		t.Errorf("%v drift checks of dev in 2 minutes, want about 20 (one share every 6 s)", n)
	}
	if n := fetches() - before; n != 0 {
		t.Errorf("drift checks of unmoved branches made %v Git fetches, want 0", n)
	}
}

// TestBackoffDriftReadFails makes every read of the backend fail: drift
// ticks (every 6 s) fail, and back off.
func TestBackoffDriftReadFails(t *testing.T) {
	bare := newDemoRepo(t)
	r := newFaultRig(t, bare, "", time.Hour)
	r.failReads.Store(true)
	r.failsBounded(t, "failed", "transient", "dev", "staging")
	r.failReads.Store(false)
	r.clock.advance(t, 15*time.Minute) // past the backoff reached
	r.h.waitFor("dev", 30*time.Second, "recovery", func(s daemon.Status) bool { return s.State == daemon.StateSynced })
}
