package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/statestore"
)

// sharedNameDaemon serves the API of a daemon whose repositories app and
// infra both have dev, refusing the short name as the daemon does; it
// records the escaped paths asked.
func sharedNameDaemon(t *testing.T, asked *[]string) string {
	t.Helper()
	statuses := []daemon.Status{
		{Environment: "app/dev", Repository: "app", Branch: "dev", State: "synced", Applied: "0123456789abcdef"},
		{Environment: "infra/dev", Repository: "infra", Branch: "dev", State: "synced", Applied: "fedcba9876543210"},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*asked = append(*asked, r.URL.EscapedPath())
		switch r.URL.EscapedPath() {
		case "/api/v1/environments":
			_ = json.NewEncoder(w).Encode(statuses)
		case "/api/v1/environments/app%2Fdev/history":
			_ = json.NewEncoder(w).Encode([]statestore.Entry{{Revision: "0123456789abcdef", Result: "applied"}})
		case "/api/v1/environments/dev/history":
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": `ambiguous: ambiguous environment "dev": 2 repositories have an environment of that name; did you mean app/dev or infra/dev`})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestEnvQualifiedName: --env REPO/ENV reaches the daemon as one path
// segment, the daemon's refusal of a short name that two repositories
// share reaches the user with the names to use, and status shows each
// environment's repository when there are several.
func TestEnvQualifiedName(t *testing.T) {
	clearFlagDefaults(t)
	var asked []string
	url := sharedNameDaemon(t, &asked)

	code, out, stderr := runCLI(t, "history", "--server", url, "--env", "app/dev")
	if code != exitOK || !strings.Contains(out, "0123456789ab") {
		t.Errorf("history --env app/dev: exit %d, %q, %q (asked %v)", code, out, stderr, asked)
	}
	code, _, stderr = runCLI(t, "history", "--server", url, "--env", "dev")
	if code == exitOK || !strings.Contains(stderr, "did you mean app/dev or infra/dev") {
		t.Errorf("history --env dev: exit %d, %q; want the qualified names", code, stderr)
	}
	code, out, stderr = runCLI(t, "status", "--server", url)
	lines := strings.Split(out, "\n")
	if code != exitOK || len(lines) < 3 || !strings.HasPrefix(lines[0], "REPOSITORY") ||
		!strings.HasPrefix(lines[1], "app ") || !strings.Contains(lines[2], "infra/dev") {
		t.Errorf("status: exit %d, %q, %q; want a REPOSITORY column", code, out, stderr)
	}
}

// TestStatusOneRepositoryNoColumn: with one repository the table keeps
// its columns as they were.
func TestStatusOneRepositoryNoColumn(t *testing.T) {
	clearFlagDefaults(t)
	code, out, stderr := runCLI(t, "status", "--server", fakeDaemon(t))
	if code != exitOK || !strings.HasPrefix(out, "ENVIRONMENT") {
		t.Errorf("status: exit %d, %q, %q", code, out, stderr)
	}
}
