package daemon_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
)

// TestDaemonRunsAPI runs a deployed pipeline through the API on the local
// backend: the run succeeds with its step, is counted by status in
// sluice_executions_total, and shows in the status and on the status
// page with the pipeline's step graph.
func TestDaemonRunsAPI(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	second := edit(t, h.bare, "dev", "runs")
	h.webhook("dev", testSecret, "runs-1")
	h.applied("dev", second, daemon.StateSynced)

	path := "/api/v1/environments/dev/pipelines/extra/runs"
	if code, body := h.post(path, "", map[string]any{"name": "r1"}); code != http.StatusUnauthorized {
		t.Errorf("a run without the token: %d %s, want 401", code, body)
	}
	if code, body := h.post("/api/v1/environments/dev/pipelines/nosuch/runs", testToken, nil); code != http.StatusNotFound {
		t.Errorf("a run of a pipeline not deployed: %d %s, want 404", code, body)
	}
	// A parameter the pipeline does not declare is refused before the
	// run starts: no run, nothing counted.
	bad := map[string]any{"name": "r0", "parameters": map[string]any{"epochs": 3}}
	if code, body := h.post(path, testToken, bad); code != http.StatusBadRequest ||
		!strings.Contains(body, `parameter \"epochs\" is not declared by the pipeline`) {
		t.Errorf("a run with an undeclared parameter: %d %s, want 400 naming it", code, body)
	}
	if code, body := h.post(path, testToken, map[string]any{"name": "r1"}); code != http.StatusOK {
		t.Fatalf("start a run: %d %s", code, body)
	}
	var run daemon.Run
	deadline := time.Now().Add(30 * time.Second)
	for !run.Done() {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not end: %+v", run)
		}
		time.Sleep(50 * time.Millisecond)
		h.getJSONWith(path+"/r1", testToken, &run)
	}
	if run.Status != sluice.ExecutionSucceeded || len(run.Steps) != 1 || run.Steps[0].State != "hello" {
		t.Fatalf("run r1: %s with steps %+v", run.Status, run.Steps)
	}
	h.waitFor("dev", 10*time.Second, "the run counted", func(daemon.Status) bool {
		return counter(t, h, "sluice_executions_total", map[string]string{"environment": "dev", "pipeline": "extra", "status": "succeeded"}) == 1
	})
	if s := h.status("dev"); len(s.Runs) != 1 || s.Runs[0].Name != "r1" || s.Runs[0].Status != sluice.ExecutionSucceeded {
		t.Errorf("dev's status lists runs %+v, want r1 SUCCEEDED", s.Runs)
	}
	resp, err := http.Get(h.api.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	for _, want := range []string{"extra", `href="/ui/env/dev/pipelines/extra"`, "r1", "SUCCEEDED"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the status page lacks %q", want)
		}
	}
}

// TestDaemonSuspendResume holds an environment: pushes are not applied
// while it is suspended, and the newest head is once it resumes.
func TestDaemonSuspendResume(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	if code, body := h.post("/api/v1/environments/dev/suspend", testToken, nil); code != http.StatusOK {
		t.Fatalf("suspend: %d %s", code, body)
	}
	second := edit(t, h.bare, "dev", "while suspended")
	h.webhook("dev", testSecret, "s1")
	time.Sleep(500 * time.Millisecond)
	if s := h.status("dev"); s.Applied != first || s.State != daemon.StateSuspended {
		t.Fatalf("a suspended environment moved: applied %.12s, state %s", s.Applied, s.State)
	}
	if code, body := h.post("/api/v1/environments/dev/resume", testToken, nil); code != http.StatusOK {
		t.Fatalf("resume: %d %s", code, body)
	}
	h.applied("dev", second, daemon.StateSynced)
}
