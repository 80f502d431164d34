package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
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

// TestCompletionOfQualifiedNames offers a daemon's environments by the
// names it answers to: the qualified names where two repositories share
// one.
func TestCompletionOfQualifiedNames(t *testing.T) {
	var asked []string
	url := sharedNameDaemon(t, &asked)
	for _, cmd := range []string{"status", "approve", "suspend", "history", "runs list"} {
		args := append(strings.Fields(cmd), "--server", url, "--env", "")
		if got := strings.Join(completions(t, args...), " "); got != "app/dev infra/dev" {
			t.Errorf("completion of %s --env: %q, want app/dev infra/dev", cmd, got)
		}
	}
}

// TestLocalEnvQualifiedName: a command that reads the repository itself
// takes --env REPO/ENV as the project's ENV with its state under
// REPO/ENV, the key a daemon gives an environment whose name another of
// its repositories uses; a malformed name is refused.
func TestLocalEnvQualifiedName(t *testing.T) {
	dir, local := freshRepo(t)
	args := func(cmd, env string, more ...string) []string {
		return append(append([]string{"--repo", dir, cmd, "--env", env}, local...), more...)
	}
	if code, out, stderr := runCLI(t, args("apply", "app/dev")...); code != exitOK {
		t.Fatalf("apply --env app/dev: exit %d:\n%s%s", code, out, stderr)
	}
	if code, out, stderr := runCLI(t, args("plan", "app/dev", "--detailed-exitcode")...); code != exitOK {
		t.Errorf("plan --env app/dev after its apply: exit %d, want 0:\n%s%s", code, out, stderr)
	}
	states, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_STATE_HOME"), "*", "*", "state.db"))
	if len(states) == 0 {
		states, _ = filepath.Glob(filepath.Join(os.Getenv("XDG_STATE_HOME"), "*", "*", "*", "state.db"))
	}
	if len(states) != 1 {
		t.Fatalf("state files: %v", states)
	}
	s, err := statestore.Open(states[0], statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var envs []string
	err = s.View(func(tx *statestore.Tx) (err error) { envs, err = tx.Environments(); return err })
	if err = errors.Join(err, s.Close()); err != nil || len(envs) != 1 || envs[0] != "app/dev" {
		t.Errorf("state keys %v (%v), want [app/dev]", envs, err)
	}
	if code, out, stderr := runCLI(t, "--repo", dir, "render", "--env", "app/dev"); code != exitOK || !strings.Contains(out, `"environment": "dev"`) {
		t.Errorf("render --env app/dev: exit %d, %.200q, %q", code, out, stderr)
	}
	for _, bad := range []string{"/dev", "app/", "a/b/dev"} {
		if code, _, stderr := runCLI(t, "--repo", dir, "render", "--env", bad); code == exitOK || !strings.Contains(stderr, "qualified name (REPO/ENV") {
			t.Errorf("render --env %s: exit %d, %q", bad, code, stderr)
		}
	}
}
