package daemon_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
)

// TestEnvironmentListSummarizes: GET /api/v1/environments lists each
// environment without its pipelines and, for a plan waiting, its revision,
// hash and counts of changes by action instead of the changes; the
// environment's own status, plan and pipelines give them whole.
func TestEnvironmentListSummarizes(t *testing.T) {
	h, first := newDemo(t)
	prod := h.waitFor("prod", 30*time.Second, "a plan waiting for approval", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Pending != nil && s.Pending.Revision == first
	})
	if len(prod.Pending.Plan.Changes) == 0 || len(prod.Pipelines) == 0 {
		t.Fatalf("prod's status: %d changes pending, %d pipelines; want some of each", len(prod.Pending.Plan.Changes), len(prod.Pipelines))
	}
	code, _, body := get(t, http.DefaultClient, h.api.URL, "/api/v1/environments")
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/environments: %d %s", code, body)
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var listedProd map[string]json.RawMessage
	for _, s := range list {
		if string(s["environment"]) == `"prod"` {
			listedProd = s
		}
		if _, ok := s["pipelines"]; ok {
			t.Errorf("%s is listed with its pipelines", s["environment"])
		}
	}
	var pending struct {
		Revision, Hash string
		Counts         map[string]int
		Plan           *json.RawMessage
	}
	if err := json.Unmarshal(listedProd["pending"], &pending); err != nil {
		t.Fatalf("prod's listed pending plan %s: %v", listedProd["pending"], err)
	}
	total := 0
	for _, n := range pending.Counts {
		total += n
	}
	if pending.Revision != first || pending.Hash != prod.Pending.Hash || total != len(prod.Pending.Plan.Changes) || pending.Plan != nil {
		t.Errorf("prod's listed pending plan %s, want revision %.12s, hash %.12s, %d changes counted and no plan",
			listedProd["pending"], first, prod.Pending.Hash, len(prod.Pending.Plan.Changes))
	}
	var plan daemon.PendingPlan
	h.getJSON("/api/v1/environments/prod/plan", &plan)
	if plan.Hash != prod.Pending.Hash || len(plan.Plan.Changes) != len(prod.Pending.Plan.Changes) {
		t.Errorf("prod's plan: hash %.12s, %d changes; want %.12s, %d", plan.Hash, len(plan.Plan.Changes), prod.Pending.Hash, len(prod.Pending.Plan.Changes))
	}
}
