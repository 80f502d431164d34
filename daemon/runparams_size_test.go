package daemon_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon"
)

// TestDaemonRefusesOversizedParameters: parameters longer than the 8,192
// characters of a job's container overrides are refused before the run
// starts, with the limit, the size and what to do instead; the run does
// not exist afterwards.
func TestDaemonRefusesOversizedParameters(t *testing.T) {
	h, first := newDemo(t)
	h.applied("dev", first, daemon.StateSynced)
	second := edit(t, h.bare, "dev", "runs")
	h.webhook("dev", testSecret, "runs-1")
	h.applied("dev", second, daemon.StateSynced)

	path := "/api/v1/environments/dev/pipelines/extra/runs"
	big := map[string]any{"name": "big", "parameters": map[string]any{"items": strings.Repeat("x", 9000)}}
	code, body := h.post(path, testToken, big)
	for _, want := range []string{"the run was not started", "SLUICE_PARAMETERS would take 9016 characters", "Batch allows 8192", "artifact store", "distributed foreach"} {
		if code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("oversized parameters: %d %s, want 400 with %q", code, body, want)
		}
	}
	if code, body := h.request(http.MethodGet, path+"/big", testToken, "", nil); code != http.StatusNotFound {
		t.Errorf("the refused run exists: %d %s", code, body)
	}
}
