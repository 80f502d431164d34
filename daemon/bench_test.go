package daemon_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
)

// BenchmarkDaemonMemory measures the daemon's resident memory with 1,000
// pipelines in three environments (dev, staging, prod), each loaded,
// compiled and planned. The environments are sync: manual, so each
// holds its plan of about 19,000 creates waiting for approval instead of
// applying it: the daemon then keeps what it keeps for an applied
// environment (snapshot, compile cache, desired set) plus the plan. The
// process is the benchmark's: it also holds the test binary and the
// generated repository; the baseline before the daemon starts is
// reported apart.
func BenchmarkDaemonMemory(b *testing.B) {
	debug.FreeOSMemory()
	baseRSS := procStatus(b, "VmRSS")
	bare := gitserver.NewRepo(b, stringFiles(benchrepo.Files(1000)), "dev")
	gitserver.Branch(b, bare, "dev", "staging")
	gitserver.Branch(b, bare, "dev", "prod")
	dir := b.TempDir()
	envs := []benchEnv{{"dev", "manual"}, {"staging", "manual"}, {"prod", "manual"}}
	b.ResetTimer()
	start := time.Now()
	peakPath := os.Getenv("SLUICE_BENCH_PEAKPROFILE")
	peakProf := startPeakProfile(b, peakPath)
	d := startBench(b, dir, benchConfig(dir, gitserver.FileURL(bare), envs...))
	for _, e := range envs {
		d.waitFor(e.name, 10*time.Minute, func(s daemon.Status) bool { return s.State == daemon.StateWaitingApproval })
	}
	b.ReportMetric(time.Since(start).Seconds(), "s-to-plan-3-envs")
	if peakPath != "" {
		b.ReportMetric(float64(peakProf.finish(b, peakPath))/1e6, "peak-live-MB")
	}
	b.StopTimer()
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	rss := procStatus(b, "VmRSS")
	peak := procStatus(b, "VmHWM")
	b.ReportMetric(rss/1024, "RSS-MB")
	b.ReportMetric(baseRSS/1024, "baseline-RSS-MB")
	b.ReportMetric(peak/1024, "peak-RSS-MB")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-inuse-MB")
	writeHeapProfile(b, os.Getenv("SLUICE_BENCH_HEAPPROFILE"))
	b.ReportMetric(0, "ns/op")
	if n := d.calls.Load(); n != 0 {
		b.Logf("planning made %d backend calls", n)
	}
}

// BenchmarkIdlePoll1000 measures an idle poll cycle of a repository of
// 1,000 pipelines served over smart HTTP and deployed to the local
// backend: each poll is woken by a signed webhook and the remote head
// has not moved. It reports the wall time of a cycle, and per poll the
// HTTP requests the Git server received, fetches, reconciles, backend
// calls and bytes allocated in the whole process (the benchmark's own
// webhook request and /metrics scrapes included). A poll that parsed
// the repository would allocate about 190 MB (project's
// BenchmarkLoad/cold-load-only).
func BenchmarkIdlePoll1000(b *testing.B) {
	bare := gitserver.NewRepo(b, stringFiles(benchrepo.Files(1000)), "dev")
	srv := gitserver.Start(b, filepath.Dir(bare))
	dir := b.TempDir()
	start := time.Now()
	d := startBench(b, dir, benchConfig(dir, srv.URL(filepath.Base(bare)), benchEnv{"dev", "auto"}))
	head := gitserver.Head(b, bare, "dev")
	d.waitFor("dev", 30*time.Minute, func(s daemon.Status) bool { return s.Applied == head })
	deployed, deployCalls := time.Since(start), d.calls.Load()
	for d.counters().reconciles < 1 { // the deploying reconcile is counted once it has returned
		time.Sleep(10 * time.Millisecond)
	}
	b.ResetTimer()
	lat, cost, scrapes := d.idlePolls(srv, 20)
	b.StopTimer()
	scrape := measure(func() { d.counters() }, 20)
	polls := cost.polls
	b.ReportMetric(cost.requests/polls, "http-req/poll")
	b.ReportMetric(cost.fetches/polls, "fetches/poll")
	b.ReportMetric(cost.reconciles/polls, "reconciles/poll")
	b.ReportMetric(cost.calls/polls, "backend-calls/poll")
	b.ReportMetric((cost.alloc-scrapes*scrape.alloc)/polls/1024, "alloc-KB/poll")
	b.ReportMetric((cost.cpu.Seconds()-scrapes*scrape.cpu.Seconds())*1e3/polls, "cpu-ms/poll")
	b.ReportMetric(deployed.Seconds(), "s-to-deploy")
	b.ReportMetric(float64(deployCalls), "deploy-backend-calls")
	reportLatency(b, lat)
}

// pollCost is what a series of idle polls cost: counters' deltas, and
// the process's allocations and CPU time.
type pollCost struct {
	polls, requests, fetches, reconciles, calls float64
	alloc                                       float64
	cpu                                         time.Duration
}

// idlePolls wakes n polls by webhook, one after the other, and returns
// how long each took to be counted, what they cost in all, and how many
// /metrics scrapes the benchmark made meanwhile.
func (bd *benchDaemon) idlePolls(srv *gitserver.Server, n int) ([]time.Duration, pollCost, float64) {
	before, reqs, calls := bd.counters(), srv.Requests(), bd.calls.Load()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	lat := make([]time.Duration, 0, n)
	scrapes := 0.0
	for i := range n {
		polls, seen := bd.counters().polls, srv.Requests()
		t0 := time.Now()
		bd.webhook("dev", fmt.Sprintf("idle-%d", i))
		for srv.Requests() == seen {
			time.Sleep(100 * time.Microsecond)
		}
		for scrapes++; bd.counters().polls == polls; scrapes++ {
			time.Sleep(time.Millisecond)
		}
		lat = append(lat, time.Since(t0))
		time.Sleep(110 * time.Millisecond) // under the webhook rate limit
	}
	cpu1 := cpuTime()
	runtime.ReadMemStats(&ms1)
	after := bd.counters()
	return lat, pollCost{polls: after.polls - before.polls, requests: float64(srv.Requests() - reqs),
		fetches: after.fetches - before.fetches, reconciles: after.reconciles - before.reconciles,
		calls: float64(bd.calls.Load() - calls), alloc: float64(ms1.TotalAlloc - ms0.TotalAlloc), cpu: cpu1 - cpu0}, scrapes + 2
}

// measure returns what one call of fn allocates and the CPU time it
// takes, averaged over n calls.
func measure(fn func(), n int) pollCost {
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	for range n {
		fn()
	}
	cpu1 := cpuTime()
	runtime.ReadMemStats(&ms1)
	return pollCost{alloc: float64(ms1.TotalAlloc-ms0.TotalAlloc) / float64(n), cpu: (cpu1 - cpu0) / time.Duration(n)}
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWebhookToReconcile measures the time from a signed webhook's
// POST to the moment its environment's reconcile starts, seen as the
// status's Head taking the pushed revision (the reconcile reads the
// head before fetching, loading and compiling it). Between samples the
// reconcile finishes, so each sample starts from an idle daemon. The
// remote is reached over file:// and over smart HTTP on loopback (the
// Git server runs `git http-backend` per request, as a self-hosted
// server would).
func BenchmarkWebhookToReconcile(b *testing.B) {
	for _, transport := range []string{"file", "http"} {
		b.Run(transport, func(b *testing.B) {
			bare := gitserver.NewRepo(b, stringFiles(benchrepo.Files(10)), "dev")
			url := gitserver.FileURL(bare)
			if transport == "http" {
				url = gitserver.Start(b, filepath.Dir(bare)).URL(filepath.Base(bare))
			}
			dir := b.TempDir()
			d := startBench(b, dir, benchConfig(dir, url, benchEnv{"dev", "auto"}))
			head := gitserver.Head(b, bare, "dev")
			d.waitFor("dev", 2*time.Minute, func(s daemon.Status) bool { return s.Applied == head })
			b.ResetTimer()
			reportLatency(b, webhookSamples(b, d, bare, 30))
		})
	}
}

// webhookSamples pushes n commits, each announced by a webhook, and
// returns how long each took to start its reconcile.
func webhookSamples(b *testing.B, d *benchDaemon, bare string, n int) []time.Duration {
	lat := make([]time.Duration, 0, n)
	for i := range n {
		b.StopTimer()
		rev := gitserver.Commit(b, bare, "dev", map[string]string{benchrepo.PipelinePath(0): string(benchrepo.Pipeline(0, i+1))}, "edit")
		b.StartTimer()
		t0 := time.Now()
		d.webhook("dev", fmt.Sprintf("push-%d", i))
		d.waitFor("dev", time.Minute, func(s daemon.Status) bool { return s.Head == rev })
		lat = append(lat, time.Since(t0))
		b.StopTimer()
		d.waitFor("dev", 2*time.Minute, func(s daemon.Status) bool { return s.Applied == rev })
		b.StartTimer()
	}
	return lat
}

// reportLatency reports the median, 95th percentile and largest of lat
// in milliseconds, and the median as ns/op.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pick := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	b.ReportMetric(float64(pick(0.5))/1e6, "p50-ms")
	b.ReportMetric(float64(pick(0.95))/1e6, "p95-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/1e6, "max-ms")
	b.ReportMetric(float64(pick(0.5)), "ns/op")
}

// benchEnv is an environment of a benchmark's configuration: its name
// (also its branch) and sync policy.
type benchEnv struct{ name, sync string }

// benchConfig is a daemon configuration for url with envs on the local
// backend, polling every hour (webhooks wake it), with no drift checks.
func benchConfig(dir, url string, envs ...benchEnv) string {
	var b strings.Builder
	for _, e := range envs {
		fmt.Fprintf(&b, `      - name: %s
        branch: %s
        backend: local
        local: {dir: %s}
        sync: %s
        driftInterval: 0s
`, e.name, e.name, filepath.Join(dir, "world"), e.sync)
	}
	return fmt.Sprintf(`listen: 127.0.0.1:0
stateFile: %s
apiToken: {env: SLUICE_TEST_API_TOKEN}
repositories:
  - name: ml
    url: %s
    pollInterval: 1h
    webhooks:
      generic: {secret: {env: SLUICE_TEST_HOOK_SECRET}}
    environments:
%s`, filepath.Join(dir, "state.db"), url, b.String())
}

// benchDaemon is a daemon run in process for a benchmark, its API
// served over real HTTP and every call to its backends counted.
type benchDaemon struct {
	tb    testing.TB
	d     *daemon.Daemon
	api   *httptest.Server
	calls *atomic.Int64
}

// startBench starts a daemon on cfgText; it stops when tb ends.
func startBench(tb testing.TB, dir, cfgText string) *benchDaemon {
	tb.Helper()
	tb.Setenv("SLUICE_TEST_API_TOKEN", testToken)
	tb.Setenv("SLUICE_TEST_HOOK_SECRET", testSecret)
	cfg, err := config.Parse(filepath.Join(dir, "daemon.yaml"), []byte(cfgText))
	if err != nil {
		tb.Fatal(err)
	}
	bd := &benchDaemon{tb: tb, calls: &atomic.Int64{}}
	d, err := daemon.New(tb.Context(), daemon.Options{Config: cfg, Connect: countingConnector(bd.calls), Registry: prometheus.NewRegistry()})
	if err != nil {
		tb.Fatal(err)
	}
	bd.d, bd.api = d, httptest.NewServer(d.Handler())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = d.Run(ctx) }()
	tb.Cleanup(func() {
		cancel()
		<-done
		bd.api.Close()
		if err := d.Close(); err != nil {
			tb.Error(err)
		}
	})
	return bd
}

// countingConnector connects environments to local worlds (one per
// folder) whose backends count every call in calls.
func countingConnector(calls *atomic.Int64) daemon.Connector {
	var mu sync.Mutex
	worlds := map[string]*local.World{}
	return func(_ context.Context, env config.Environment, _ awsapi.Recorder) (*rollout.Target, error) {
		mu.Lock()
		defer mu.Unlock()
		w := worlds[env.Local.Dir]
		if w == nil {
			var err error
			if w, err = local.New(env.Local.Dir, local.Options{}); err != nil {
				return nil, err
			}
			worlds[env.Local.Dir] = w
		}
		backends := map[sluice.ResourceType]reconcile.Backend{}
		for typ, be := range w.Backends() {
			backends[typ] = countingBackend{next: be, calls: calls}
		}
		return &rollout.Target{Backends: backends, Vars: w.Vars()}, nil
	}
}

// countingBackend counts the calls made to a backend.
type countingBackend struct {
	next  reconcile.Backend
	calls *atomic.Int64
}

func (c countingBackend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	c.calls.Add(1)
	return c.next.Observe(ctx, t)
}

func (c countingBackend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	c.calls.Add(1)
	return c.next.Create(ctx, t)
}

func (c countingBackend) Update(ctx context.Context, t sluice.Target, cur sluice.Observation) (sluice.Observation, error) {
	c.calls.Add(1)
	return c.next.Update(ctx, t, cur)
}

func (c countingBackend) Delete(ctx context.Context, t sluice.Target, cur sluice.Observation) error {
	c.calls.Add(1)
	return c.next.Delete(ctx, t, cur)
}

// webhook posts a generic webhook for branch signed with the test
// secret, failing unless it is accepted.
func (bd *benchDaemon) webhook(branch, delivery string) {
	if code := signedWebhook(bd.tb, bd.api.URL, branch, testSecret, delivery); code != http.StatusAccepted {
		bd.tb.Fatalf("webhook %s answered %d", delivery, code)
	}
}

// waitFor polls env's status every half millisecond until ok accepts
// it, failing after limit.
func (bd *benchDaemon) waitFor(env string, limit time.Duration, ok func(daemon.Status) bool) {
	deadline := time.Now().Add(limit)
	for {
		s, err := bd.d.Status(env)
		if err != nil {
			bd.tb.Fatal(err)
		}
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			bd.tb.Fatalf("%s: not reached in %s; state %s: %s", env, limit, s.State, s.Message)
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// benchCounters are the daemon's exported counters a poll moves.
type benchCounters struct{ polls, fetches, reconciles float64 }

// counters scrapes /metrics for the repository's polls and fetches and
// the reconciles of every environment.
func (bd *benchDaemon) counters() benchCounters {
	resp, err := http.Get(bd.api.URL + "/metrics")
	if err != nil {
		bd.tb.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var c benchCounters
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, v, ok := sampleLine(sc.Text())
		switch {
		case !ok:
		case strings.HasPrefix(name, "sluice_git_polls_total"):
			c.polls += v
		case strings.HasPrefix(name, "sluice_git_fetch_total"):
			c.fetches += v
		case strings.HasPrefix(name, "sluice_reconcile_total"):
			c.reconciles += v
		}
	}
	return c
}

// sampleLine splits a text-format sample line into its series and value.
func sampleLine(line string) (string, float64, bool) {
	i := strings.LastIndexByte(line, ' ')
	if strings.HasPrefix(line, "#") || i < 0 {
		return "", 0, false
	}
	v, err := strconv.ParseFloat(line[i+1:], 64)
	return line[:i], v, err == nil
}

// procStatus reads a field of /proc/self/status in KiB, failing tb
// when it cannot.
func procStatus(tb testing.TB, field string) float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				tb.Fatal(err)
			}
			return v
		}
	}
	tb.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// writeHeapProfile writes a heap profile to path, when one is given, to
// show where the daemon's memory goes.
func writeHeapProfile(tb testing.TB, path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	err = pprof.WriteHeapProfile(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
}

// stringFiles converts a generated repository for gitserver.
func stringFiles(files map[string][]byte) map[string]string {
	out := make(map[string]string, len(files))
	for k, v := range files {
		out[k] = string(v)
	}
	return out
}
