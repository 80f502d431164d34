package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/statestore"
)

// fakeDaemon serves a status and a history as a daemon's API does.
func fakeDaemon(t *testing.T) string {
	t.Helper()
	long := "apply failed: " + strings.Repeat("the compute environment is still being deleted; ", 4)
	statuses := []daemon.Status{
		{Environment: "dev", Branch: "dev", State: "synced", Applied: "0123456789abcdef", Head: "0123456789abcdef", Message: "applied"},
		{Environment: "prod", Branch: "prod", State: "failed", Applied: "fedcba9876543210", Head: "0123456789abcdef", Message: long},
	}
	history := []statestore.Entry{{Revision: "0123456789abcdef", Time: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC), Result: "applied", Created: 9}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/environments":
			_ = json.NewEncoder(w).Encode(statuses)
		case "/api/v1/environments/dev/history":
			_ = json.NewEncoder(w).Encode(history)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestStatusAndHistoryFormats keeps status and history in each format
// as golden files.
func TestStatusAndHistoryFormats(t *testing.T) {
	clearFlagDefaults(t)
	url := fakeDaemon(t)
	for _, tc := range []struct{ name, cmd, format string }{
		{"status.txt", "status", "text"}, {"status.json", "status", "json"}, {"status.yaml", "status", "yaml"},
		{"history.txt", "history", "text"}, {"history.json", "history", "json"}, {"history.yaml", "history", "yaml"},
	} {
		args := []string{tc.cmd, "--server", url, "-o", tc.format}
		if tc.cmd == "history" {
			args = append(args, "--env", "dev")
		}
		code, out, stderr := runCLI(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		goldenCompare(t, "output."+tc.name, []byte(out))
	}
}

// TestStatusFitsTheTerminal shows the status table on a terminal 60
// columns wide: no line is longer, and the long message is cut, not the
// columns before it; piped, the message is whole.
func TestStatusFitsTheTerminal(t *testing.T) {
	clearFlagDefaults(t)
	colourTerminal(t)
	url := fakeDaemon(t)
	code, out := onTerminal(t, 60, "status", "--server", url)
	if code != exitOK || !strings.Contains(out, "prod         prod    failed  fedcba987654  0123456789ab  ap…") {
		t.Errorf("status on a 60-column terminal: exit %d:\n%s", code, out)
	}
	for _, l := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n") {
		if n := len([]rune(l)); n > 60 {
			t.Errorf("a line of %d columns on a 60-column terminal: %q", n, l)
		}
	}
	_, piped, _ := runCLI(t, "status", "--server", url)
	if !strings.Contains(piped, "still being deleted; \n") {
		t.Errorf("piped status cut the message:\n%s", piped)
	}
}
