package daemon_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// fanPipeline is a pipeline with a required parameter and a foreach over
// a list parameter that takes at most 3 items.
const fanPipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: extra}
spec:
  image: python:3.12
  artifactStore: artifacts
  compute: cpu
  parameters:
    data: {type: string, required: true}
    xs: {type: list, default: [1]}
  steps:
    - name: fan
      command: [python3, -c, "print('fan')"]
      foreach: {over: parameters.xs, step: each, join: done, maxItems: 3}
    - {name: each, command: [python3, -c, "print('each')"], next: done}
    - {name: done, command: [python3, -c, "print('done')"]}
`

// TestDaemonChecksListsAndOrigins: through the API, a list longer than
// the foreach over it takes is refused before the run starts, naming the
// parameter, its length, the step and the cap; a run from a step of
// another run takes that run's parameters, so a required parameter the
// origin was given is not asked again, and what is given with it is
// checked all the same.
func TestDaemonChecksListsAndOrigins(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	second := gitserver.Commit(t, h.bare, "dev", map[string]string{"deploy/extra.yaml": fanPipeline}, "fan")
	h.webhook("dev", testSecret, "fan-1")
	h.applied("dev", second, daemon.StateSynced)

	path := "/api/v1/environments/dev/pipelines/extra/runs"
	long := map[string]any{"name": "long", "parameters": map[string]any{"data": "d", "xs": []int{1, 2, 3, 4}}}
	code, body := h.post(path, testToken, long)
	for _, want := range []string{"the run was not started", `parameter \"xs\" has 4 items`, `foreach of step \"fan\" takes at most 3 (its maxItems)`, "raise maxItems"} {
		if code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("a list past maxItems: %d %s, want 400 with %q", code, body, want)
		}
	}
	if code, body := h.request(http.MethodGet, path+"/long", testToken, "", nil); code != http.StatusNotFound {
		t.Errorf("the refused run exists: %d %s", code, body)
	}
	if code, body := h.post(path, testToken, map[string]any{"name": "o1", "parameters": map[string]any{"data": "d", "xs": []int{1, 2}}}); code != http.StatusOK {
		t.Fatalf("start the origin: %d %s", code, body)
	}
	waitRun(t, h, path+"/o1")
	if code, body := h.post(path, testToken, map[string]any{"name": "o2", "origin": "o1", "from": "done"}); code != http.StatusOK {
		t.Fatalf("a run from done with o1's parameters: %d %s, want 200 (data is o1's)", code, body)
	}
	if run := waitRun(t, h, path+"/o2"); run.Status != sluice.ExecutionSucceeded {
		t.Errorf("run o2: %s, want SUCCEEDED", run.Status)
	}
	from := map[string]any{"name": "o3", "origin": "o1", "from": "done", "parameters": map[string]any{"xs": []int{1, 2, 3, 4}, "dta": "x"}}
	code, body = h.post(path, testToken, from)
	for _, want := range []string{`parameter \"xs\" has 4 items`, `parameter \"dta\" is not declared`} {
		if code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("a run from done with bad parameters: %d %s, want 400 with %q", code, body, want)
		}
	}
	if strings.Contains(body, `\"data\" is required`) {
		t.Errorf("a run from done is asked for the origin's required parameter: %s", body)
	}
}

// waitRun waits for the run at path to end and returns it.
func waitRun(t *testing.T, h *harness, path string) daemon.Run {
	t.Helper()
	var run daemon.Run
	deadline := time.Now().Add(60 * time.Second)
	for !run.Done() {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not end: %+v", path, run)
		}
		time.Sleep(50 * time.Millisecond)
		h.getJSONWith(path, testToken, &run)
	}
	return run
}
