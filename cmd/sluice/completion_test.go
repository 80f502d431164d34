package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon"
)

// completions runs cobra's hidden completion command and returns the
// names offered, the directive line left out.
func completions(t *testing.T, args ...string) []string {
	t.Helper()
	_, out, _ := runCLI(t, append([]string{"__complete"}, args...)...)
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" && !strings.HasPrefix(l, ":") && !strings.HasPrefix(l, "-") {
			names = append(names, l)
		}
	}
	return names
}

// TestCompletionOfNames completes environments, pipelines and templates
// from the repository, and environments from a daemon for the commands
// that talk to one.
func TestCompletionOfNames(t *testing.T) {
	dir, _ := freshRepo(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/environments" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode([]daemon.Status{{Environment: "churn-dev"}, {Environment: "churn-prod"}})
	}))
	defer srv.Close()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--repo", dir, "plan", "--env", ""}, "dev staging prod"},
		{[]string{"--repo", dir, "run", "training", "--backend", "local", "--env", ""}, "dev staging prod"},
		{[]string{"--repo", dir, "graph", ""}, "training"},
		{[]string{"--repo", dir, "run", "--env", "dev", ""}, "training"},
		{[]string{"templates", ""}, "batch-prediction data-processing model-deployment training"},
		{[]string{"init", "--template", ""}, "batch-prediction data-processing model-deployment training"},
		{[]string{"status", "--server", srv.URL, "--env", ""}, "churn-dev churn-prod"},
		{[]string{"history", "--server", "http://127.0.0.1:1", "--env", ""}, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(completions(t, tt.args...), " "); got != tt.want {
			t.Errorf("completion of %v: %q, want %q", tt.args, got, tt.want)
		}
	}
}
