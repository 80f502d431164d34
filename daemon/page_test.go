package daemon_test

import (
	"bufio"
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// flakyPipeline fans out over three items, then a step that fails on
// each of its two attempts, so that a run has foreach copies, a retry
// and a failed step with a log.
const flakyPipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: flaky
spec:
  image: python:3.12
  artifactStore: artifacts
  compute: cpu
  parameters:
    xs: {type: list, default: [1, 2, 3]}
  steps:
    - name: start
      command: [python3, -c, "print('start')"]
      foreach: {over: parameters.xs, step: work, join: gather}
    - name: work
      command: [python3, -c, "import os; print('item', os.environ['SLUICE_FOREACH_ITEM'])"]
      next: gather
    - name: gather
      command: [python3, -c, "import sys; print('gathering failed on purpose'); sys.exit(3)"]
      retry: {attempts: 2, delay: 1s}
`

// slowPipeline runs two steps that take a few seconds, so that a page
// can watch it run.
const slowPipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: slow
spec:
  image: python:3.12
  artifactStore: artifacts
  compute: cpu
  steps:
    - name: first
      command: [python3, -c, "import time; time.sleep(2)"]
      next: second
    - name: second
      command: [python3, -c, "import time; time.sleep(2)"]
`

// pageRig is a demo daemon with a failed run of the flaky pipeline and
// a plan waiting for approval in prod.
type pageRig struct {
	h   *harness
	run string // the run page's path
}

func newPageRig(t *testing.T, o harnessOptions) *pageRig {
	t.Helper()
	bare := gitserver.NewRepo(t, demoFiles(t), "dev")
	gitserver.Branch(t, bare, "dev", "staging")
	gitserver.Branch(t, bare, "dev", "prod")
	dir := t.TempDir()
	h := startDaemonWith(t, dir, configText(dir, gitserver.FileURL(bare), time.Hour), o)
	h.bare = bare
	first := gitserver.Head(t, bare, "dev")
	h.applied("dev", first, daemon.StateSynced)
	second := gitserver.Commit(t, h.bare, "dev", map[string]string{"deploy/flaky.yaml": flakyPipeline, "deploy/slow.yaml": slowPipeline}, "flaky")
	h.webhook("dev", testSecret, "flaky-1")
	h.applied("dev", second, daemon.StateSynced)
	h.waitFor("prod", 30*time.Second, "a plan waiting for approval", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Pending != nil
	})
	runs := "/api/v1/environments/dev/pipelines/flaky/runs"
	if code, body := h.post(runs, testToken, map[string]any{"name": "f1"}); code != http.StatusOK {
		t.Fatalf("start a run: %d %s", code, body)
	}
	var run daemon.Run
	deadline := time.Now().Add(60 * time.Second)
	for !run.Done() {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not end: %+v", run)
		}
		time.Sleep(100 * time.Millisecond)
		h.getJSONWith(runs+"/f1", testToken, &run)
	}
	if run.Status != sluice.ExecutionFailed {
		t.Fatalf("run f1 ended %s, want FAILED: %+v", run.Status, run)
	}
	return &pageRig{h: h, run: "/ui/env/dev/pipelines/flaky/runs/f1"}
}

// get fetches path with client and returns the status and the body.
func get(t *testing.T, client *http.Client, base, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := client.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, html.UnescapeString(string(body))
}

func TestPages(t *testing.T) {
	r := newPageRig(t, harnessOptions{})
	base := r.h.api.URL
	client := &http.Client{}
	for _, tt := range []struct {
		path string
		want []string
	}{
		{"/", []string{`<h2 id="env-dev">dev</h2>`, `<span class="badge ok" data-state="synced">synced</span>`, `<span class="badge warn" data-state="waiting_approval">waiting for approval</span>`,
			`href="/ui/env/dev/pipelines/flaky"`, "Waiting for approval", "Creations (",
			`href="/ui/env/dev/pipelines/flaky/runs/f1"`, `<span class="badge bad">FAILED</span>`, `data-live="/api/v1/events"`}},
		{"/ui/env/dev/pipelines/training", []string{"<svg", `data-step="train"`, `<g class="foreach">`, `<g class="decision">`, "learningRates"}},
		{"/ui/env/dev/pipelines/flaky", []string{"<svg", `data-step="gather"`, "f1", "xs"}},
		{"/ui/env/dev/history", []string{"Applied revisions", "applied now", "A rollback would return dev to"}},
		{"/ui/env/prod/plan", []string{"Plan hash", "to create", "Creations (", "sluice approve --env prod"}},
		{"/ui/env/dev/plan", []string{"No plan is waiting for approval in dev"}},
	} {
		code, hdr, body := get(t, client, base, tt.path)
		if code != http.StatusOK {
			t.Errorf("GET %s: %d\n%.1000s", tt.path, code, body)
			continue
		}
		if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s: content security policy %q", tt.path, csp)
		}
		for _, w := range tt.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", tt.path, w)
			}
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") {
			t.Errorf("GET %s has an inline script or style", tt.path)
		}
	}
	if code, _, _ := get(t, client, base, "/ui/env/dev/pipelines/nosuch"); code != http.StatusNotFound {
		t.Errorf("a pipeline that does not exist: %d, want 404", code)
	}
	code, hdr, svg := get(t, client, base, "/ui/env/dev/pipelines/training/graph.svg")
	if code != http.StatusOK || hdr.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg, "<svg") {
		t.Errorf("graph.svg: %d %s %.100s", code, hdr.Get("Content-Type"), svg)
	}
}

// TestRunPageNeedsToken: the run page and logs need a read token, as
// the runs API does: bearer or signed in through the form.
func TestRunPageNeedsToken(t *testing.T) {
	r := newPageRig(t, harnessOptions{})
	base := r.h.api.URL
	code, _, body := get(t, http.DefaultClient, base, r.run)
	if code != http.StatusUnauthorized || !strings.Contains(body, `name="token"`) || strings.Contains(body, "gathering") {
		t.Fatalf("run page without a token: %d\n%.800s", code, body)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(base+"/ui/signin", url.Values{"token": {"wrong"}, "next": {r.run}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("sign in with a wrong token: %d, want 401", resp.StatusCode)
	}
	resp, err = client.PostForm(base+"/ui/signin", url.Values{"token": {testToken}, "next": {"https://evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.Request.URL.Host != strings.TrimPrefix(base, "http://") || resp.Request.URL.Path != "/" {
		t.Errorf("sign in went on to %s, want this daemon's /", resp.Request.URL)
	}
	code, _, body = get(t, client, base, r.run)
	if code != http.StatusOK {
		t.Fatalf("run page signed in: %d\n%.800s", code, body)
	}
	for _, w := range []string{`<span class="badge bad">FAILED</span>`, `class="step st-failed" data-step="gather"`,
		`class="step st-succeeded" data-step="work"`, `class="timeline"`, "gather (attempt 2)", "First failed step", "signed in", `<a href="/ui/env/dev/pipelines/flaky/runs/f1/steps/`} {
		if !strings.Contains(body, w) {
			t.Errorf("the run page lacks %q", w)
		}
	}
	if n := strings.Count(body, `<g class="bar ok">`); n < 4 {
		t.Errorf("the timeline has %d succeeded bars, want start and the three foreach copies", n)
	}
	i := strings.Index(body, `First failed step: <a href="`)
	if i < 0 {
		t.Fatal("no link to the failed step's log")
	}
	logPath := strings.SplitN(body[i+len(`First failed step: <a href="`):], `"`, 2)[0]
	code, _, body = get(t, client, base, logPath)
	if code != http.StatusOK || !strings.Contains(body, "gathering failed on purpose") {
		t.Errorf("the failed step's log %s: %d\n%.800s", logPath, code, body)
	}
	if code, _, _ := get(t, http.DefaultClient, base, logPath); code != http.StatusUnauthorized {
		t.Errorf("the log without a token: %d, want 401", code)
	}
}

// TestEventStream: a page's event stream gets a change when the daemon
// records an outcome.
func TestEventStream(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.api.URL+"/api/v1/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	if !lines.Scan() || lines.Text() != "retry: 3000" {
		t.Fatalf("the stream starts with %q", lines.Text())
	}
	if code, body := h.post("/api/v1/environments/dev/sync", testToken, nil); code != http.StatusOK {
		t.Fatalf("sync: %d %s", code, body)
	}
	for lines.Scan() {
		if lines.Text() == "event: change" {
			if !lines.Scan() || !strings.Contains(lines.Text(), `"kind":"environment"`) {
				t.Fatalf("the change says %q", lines.Text())
			}
			return
		}
	}
	t.Fatalf("the stream ended without a change: %v", lines.Err())
}

// TestPageCost measures each page's weight and the time to draw it,
// served by the handler without a network (SLUICE_PAGE_COST=1; the
// figures are in docs/performance.md).
func TestPageCost(t *testing.T) {
	if os.Getenv("SLUICE_PAGE_COST") != "1" {
		t.Skip("set SLUICE_PAGE_COST=1 to measure the pages")
	}
	r := newPageRig(t, harnessOptions{change: func(o *daemon.Options) { o.Config.AnonymousRead = true }})
	h := r.h.d.Handler()
	for _, path := range []string{"/", "/ui/env/dev/pipelines/training", "/ui/env/dev/history", "/ui/env/prod/plan", r.run} {
		size := 0
		res := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1"+path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", path, rec.Code)
				}
				size = rec.Body.Len()
			}
		})
		t.Logf("%-45s %7d bytes %9.0f µs/view %6d allocs/view", path, size, float64(res.NsPerOp())/1000, res.AllocsPerOp())
	}
}

// TestRunPageLive: while a run goes on, its page follows the run's event
// stream, which says when the run moved and when it ended.
func TestRunPageLive(t *testing.T) {
	r := newPageRig(t, harnessOptions{})
	runs := "/api/v1/environments/dev/pipelines/slow/runs"
	if code, body := r.h.post(runs, testToken, map[string]any{"name": "s1"}); code != http.StatusOK {
		t.Fatalf("start a run: %d %s", code, body)
	}
	page := "/ui/env/dev/pipelines/slow/runs/s1"
	client := &http.Client{Transport: bearer(testToken)}
	if _, _, body := get(t, client, r.h.api.URL, page); strings.Contains(body, `<span class="badge run">RUNNING</span>`) &&
		!strings.Contains(body, `data-live="`+page+`/events"`) {
		t.Errorf("the page of a running run does not follow its events")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", r.h.api.URL+page+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var events []string
	ready := ""
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		name, ok := strings.CutPrefix(lines.Text(), "event: ")
		if !ok {
			continue
		}
		events = append(events, name)
		if !lines.Scan() {
			break
		}
		if name == "ready" {
			ready = lines.Text()
		}
	}
	if len(events) < 2 || events[0] != "ready" || events[len(events)-1] != "end" {
		t.Fatalf("events %v, want ready first and end last", events)
	}
	if strings.Contains(ready, `"status":"RUNNING"`) && len(events) < 3 {
		t.Errorf("the run moved from RUNNING to its end with no change event: %v", events)
	}
	code, _, body := get(t, client, r.h.api.URL, page)
	if code != http.StatusOK || strings.Contains(body, "data-live") || !strings.Contains(body, `<span class="badge ok">SUCCEEDED</span>`) {
		t.Errorf("the ended run's page: %d, still live or not succeeded", code)
	}
}

// bearer is a transport that sends a bearer token.
type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}
