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
