package daemon_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// gatePipeline's step prints a line, waits for a file in its output
// prefix, then prints another: a test lets it through when it wants.
const gatePipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: gate
spec:
  image: python:3.12
  artifactStore: artifacts
  compute: cpu
  steps:
    - name: wait
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT"; echo waiting; while [ ! -e "$SLUICE_OUTPUT/go" ]; do sleep 0.1; done; echo through']
`

// TestLogPageGrowsInChromium: in headless Chromium, the log page of a
// step that runs on the local backend (its run recorded in the run
// store) shows what the step printed so far, then the lines it prints
// next and its end, appended by the page's script from the log's event
// stream, without the page being loaded again.
func TestLogPageGrowsInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	store, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	files := demoFiles(t)
	files["deploy/gate.yaml"] = gatePipeline
	bare := gitserver.NewRepo(t, files, "dev")
	h := startDaemonWith(t, dir, configText(dir, gitserver.FileURL(bare), time.Hour), harnessOptions{change: func(o *daemon.Options) {
		o.Runs = store
		o.Config.AnonymousRead = true
	}})
	h.applied("dev", gitserver.Head(t, bare, "dev"), daemon.StateSynced)
	if code, body := h.post("/api/v1/environments/dev/pipelines/gate/runs", testToken, map[string]any{"name": "g1"}); code != http.StatusOK {
		t.Fatalf("start a run: %d %s", code, body)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, text := h.request(http.MethodGet, "/api/v1/environments/dev/runs/g1/steps/wait/log?page", testToken, "", nil)
		if strings.Contains(text, "waiting") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the step printed nothing: %q", text)
		}
	}
	proxy := newRecordingProxy(t)
	rec := &pathRecorder{next: h.d.Handler(), paths: map[string]int{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	page := "/ui/env/dev/pipelines/gate/runs/g1/steps/0/log"
	c := newCDP(t, bin, proxy.addr)
	defer c.stop()
	c.navigate(srv.URL + page)
	c.until("the log so far, followed", `document.getElementById("log").textContent.includes("waiting") &&
		document.getElementById("log").dataset.logEvents && document.getElementById("log-status").textContent.includes("step runs")`)
	c.must(`window.sluiceLoadedOnce = true`)
	outputs, _ := filepath.Glob(filepath.Join(dir, "world", "buckets", "*", "gate", "g1", "wait"))
	if len(outputs) != 1 {
		t.Fatalf("the step's output prefix: %v", outputs)
	}
	if err := os.WriteFile(filepath.Join(outputs[0], "go"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c.until("the new lines and the end, without a reload", `window.sluiceLoadedOnce === true &&
		document.getElementById("log").textContent.includes("waiting\nthrough\n") &&
		document.querySelector("#log-attempt-status .badge").textContent === "SUCCEEDED"`)
	if n := rec.count(page); n != 1 {
		t.Errorf("the log page was loaded %d times, want once", n)
	}
	if rec.count(page+"/events") == 0 {
		t.Error("the page did not follow the log's event stream")
	}
	if hosts := proxy.seen(); len(hosts) > 0 {
		t.Errorf("the page asked hosts other than the daemon: %v", hosts)
	}
	if axe, ok := axeSource(t); ok {
		axeRun(t, c, axe, "the log page of a step that ended while shown")
	}
}
