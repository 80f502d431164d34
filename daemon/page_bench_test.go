package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/benchrepo"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// BenchmarkPages1000 measures each web page of a daemon with 1,000
// pipelines (one environment, sync: manual, its plan of about 19,000
// creations waiting for approval) and a run store holding 10,000
// recorded runs, 10 per pipeline. The environments and plan pages are
// measured on their first page and their last (the page number past the
// end shows the last), and the plan filtered to one pipeline. Each page is served by the handler
// without a network; it reports the page's weight in bytes and the
// handler's time per view (ns/op) and allocations.
func BenchmarkPages1000(b *testing.B) {
	start := time.Now()
	bare := gitserver.NewRepo(b, stringFiles(benchrepo.Files(1000)), "dev")
	dir := b.TempDir()
	runs, err := sqlitestore.Open(b.Context(), filepath.Join(dir, "runs.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = runs.Close() })
	stored := time.Now()
	run := recordRuns(b, runs, 10000)
	b.Logf("10,000 runs recorded in %s", time.Since(stored).Round(time.Millisecond))
	h := startPageBench(b, dir, benchConfig(dir, gitserver.FileURL(bare), benchEnv{"dev", "manual"}), runs)
	h.waitFor("dev", 10*time.Minute, func(s daemon.Status) bool { return s.State == daemon.StateWaitingApproval })
	b.Logf("set up in %s", time.Since(start).Round(time.Millisecond))
	for _, p := range []struct{ name, path, want string }{ // want: a sign the page shows what it is measured for
		{"environments", "/", "Read the plan's"},
		{"environments-last", "/?env=dev&page=20", "pipeline-0999"},
		{"pipeline", "/ui/env/dev/pipelines/pipeline-0007", "r09007"},
		{"history", "/ui/env/dev/history", "dev"},
		{"plan", "/ui/env/dev/plan", "Creations ("},
		{"plan-last", "/ui/env/dev/plan?page=1000", "Page 3"},
		{"plan-filtered", "/ui/env/dev/plan?q=pipeline-0999", "pipeline-0999"},
		{"run", run, "images_resize"},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			size, body := 0, ""
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.d.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1"+p.path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d %.300s", p.path, rec.Code, rec.Body.String())
				}
				size, body = rec.Body.Len(), rec.Body.String()
			}
			if !strings.Contains(body, p.want) {
				b.Errorf("GET %s: no %q in the page", p.path, p.want)
			}
			b.ReportMetric(float64(size), "bytes/op")
		})
	}
}

// startPageBench starts a daemon on cfgText that reads its runs from
// runs and lets anyone read its pages; it stops when tb ends.
func startPageBench(tb testing.TB, dir, cfgText string, runs sluice.RunStore) *benchDaemon {
	tb.Helper()
	tb.Setenv("SLUICE_TEST_API_TOKEN", testToken)
	tb.Setenv("SLUICE_TEST_HOOK_SECRET", testSecret)
	cfg, err := config.Parse(filepath.Join(dir, "daemon.yaml"), []byte("anonymousRead: true\n"+cfgText))
	if err != nil {
		tb.Fatal(err)
	}
	bd := &benchDaemon{tb: tb, calls: &atomic.Int64{}}
	d, err := daemon.New(tb.Context(), daemon.Options{Config: cfg, Connect: countingConnector(bd.calls),
		Registry: prometheus.NewRegistry(), Runs: runs})
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

// recordRuns writes n finished runs of dev, spread over the 1,000
// pipelines, one in ten failed, through the RunStore interface; the
// newest run of pipeline-0007 gets an attempt for each step (four
// copies of the foreach's train step) and is the page returned.
func recordRuns(tb testing.TB, s sluice.RunStore, n int) string {
	tb.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	params := json.RawMessage(`{"dataset":"s3://datasets/bench/7.parquet","alphas":[0.01,0.03,0.1,0.3],"learning_rate":0.01,"epochs":10}`)
	var last sluice.RunRecord
	for i := range n {
		p := fmt.Sprintf("pipeline-%04d", i%1000)
		name := fmt.Sprintf("r%05d", i)
		r := sluice.RunRecord{ID: "arn:aws:states:local:000000000000:execution:dev-" + p + ":" + name, Name: name,
			Project: "bench", Pipeline: p, Environment: "dev", Backend: "local", Revision: "0123456789abcdef0123456789abcdef01234567",
			SpecHash: "h1", Parameters: params, Status: sluice.ExecutionSucceeded,
			Started: t0.Add(time.Duration(i) * time.Minute), Stopped: t0.Add(time.Duration(i)*time.Minute + 40*time.Second)}
		if i%10 == 3 {
			r.Status, r.Error, r.Cause = sluice.ExecutionFailed, "States.TaskFailed", "step train exited with code 1"
		}
		if err := s.PutRun(ctx, r); err != nil {
			tb.Fatal(err)
		}
		if p == "pipeline-0007" {
			last = r
		}
	}
	paths := []string{"fetch", "unpack", "profile", "clean", "text", "text_embed", "tabular", "images", "images_resize", "merge"}
	for j := range 4 {
		paths = append(paths, fmt.Sprintf("merge.foreach/%d/train", j))
	}
	paths = append(paths, "score", "collect", "evaluate", "package", "upload", "register", "notify")
	for k, path := range paths {
		step := path
		if i := strings.LastIndexByte(path, '/'); i >= 0 {
			step = path[i+1:]
		}
		code := 0
		a := sluice.AttemptRecord{RunID: last.ID, Step: step, Path: path, Attempt: 1, JobID: fmt.Sprintf("job-%d", k),
			Status: sluice.ExecutionSucceeded, Started: last.Started.Add(time.Duration(k) * time.Second),
			Stopped: last.Started.Add(time.Duration(k+1) * time.Second), ExitCode: &code}
		if err := s.PutAttempt(ctx, a); err != nil {
			tb.Fatal(err)
		}
	}
	return "/ui/env/dev/pipelines/" + last.Pipeline + "/runs/" + last.Name
}
