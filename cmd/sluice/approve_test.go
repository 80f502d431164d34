package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestApproveSendsThePlanAndShowsTheNewOne checks that approve sends the
// hash of the plan approved and, when the daemon refuses because the
// plan changed, prints the new plan and how to approve it, and fails.
func TestApproveSendsThePlanAndShowsTheNewOne(t *testing.T) {
	var got map[string]string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &got)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"error": "conflict: the plan changed since it was approved",
			"pending": daemon.PendingPlan{Revision: "abcdef1234567890", Hash: "feedface00112233",
				Plan: reconcile.Plan{Changes: []reconcile.Change{{ID: "JobQueue/cpu", Action: reconcile.ActionUpdate, Reason: "drifted: changed outside Sluice", Drift: true}}}},
		})
	}))
	defer srv.Close()
	t.Setenv("SLUICE_TOKEN", "t")
	code, stdout, stderr := runCLI(t, "approve", "--server", srv.URL, "--env", "prod", "abcdef1", "--plan", "0123456")
	if code == exitOK {
		t.Errorf("approve of a changed plan exited 0")
	}
	if got["revision"] != "abcdef1" || got["hash"] != "0123456" {
		t.Errorf("approve sent %v, want the revision and the plan's hash", got)
	}
	for _, want := range []string{"nothing was applied", "JobQueue/cpu", "sluice approve --env prod abcdef123456 --plan feedface0011", "409"} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("approve does not print %q:\n%s%s", want, stdout, stderr)
		}
	}
}

// TestDaemonAnswerExitCodes checks the README's exit codes for what a
// daemon answers: a refusal of a well-formed request exits 1, a request
// naming nothing the daemon knows (or malformed) exits 2.
func TestDaemonAnswerExitCodes(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   int
	}{
		{http.StatusConflict, exitInvalid},
		{http.StatusForbidden, exitInvalid},
		{http.StatusInternalServerError, exitInvalid},
		{http.StatusNotFound, exitUsage},
		{http.StatusBadRequest, exitUsage},
		{http.StatusUnauthorized, exitUsage},
		{http.StatusUnprocessableEntity, exitUsage},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": http.StatusText(tc.status)})
		}))
		t.Setenv("SLUICE_TOKEN", "t")
		code, _, stderr := runCLI(t, "suspend", "--server", srv.URL, "--env", "dev")
		srv.Close()
		if code != tc.want {
			t.Errorf("a daemon answering %d: exit %d, want %d (%s)", tc.status, code, tc.want, stderr)
		}
	}
}

// TestSyncAsksTheDaemon checks that sync posts to the environment's
// sync route with the token and prints what the daemon answered.
func TestSyncAsksTheDaemon(t *testing.T) {
	var method, path, auth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method, path, auth = r.Method, r.URL.EscapedPath(), r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "reconcile requested"})
	}))
	defer srv.Close()
	t.Setenv("SLUICE_TOKEN", "t")
	code, stdout, stderr := runCLI(t, "sync", "--server", srv.URL, "--env", "app/dev")
	if code != exitOK || method != http.MethodPost || path != "/api/v1/environments/app%2Fdev/sync" || auth != "Bearer t" {
		t.Fatalf("sync: exit %d, %s %s (%q)\n%s", code, method, path, auth, stderr)
	}
	if !strings.Contains(stdout, "app/dev: reconcile requested; see it with: sluice status --env app/dev") {
		t.Errorf("sync printed %q", stdout)
	}
	if code, stdout, _ := runCLI(t, "sync", "--server", srv.URL, "--env", "dev", "-o", "json"); code != exitOK || !strings.Contains(stdout, `"status": "reconcile requested"`) {
		t.Errorf("sync -o json: exit %d, %q", code, stdout)
	}
}
