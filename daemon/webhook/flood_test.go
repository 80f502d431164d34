package webhook_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sluice-dev/sluice/daemon/webhook"
)

// serveFrom serves one request from remote address addr in process and
// returns its status.
func serveFrom(h http.Handler, addr, path string, header http.Header, body []byte) int {
	req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	req.Header = header
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// TestForgedFloodKeepsGenuineSenders sends 2,000 forged GitHub pushes
// from one address with the default limits and a clock that never moves
// (no bucket refills): a genuine push from another address is accepted,
// and so is one from the flooding address, since forged requests spend
// no budget. A genuine sender is still limited: its burst spent, it
// gets 429.
func TestForgedFloodKeepsGenuineSenders(t *testing.T) {
	hs := newHarness(t, webhook.Options{})
	body := fixture(t, "github-push.json")
	const path = "/webhooks/github/ml"
	for i := range 2000 {
		header := set(github("push", fmt.Sprintf("f%d", i), body), "X-Hub-Signature-256", sign("guess", body))
		if code := serveFrom(hs.h, "192.0.2.66:40000", path, header, body); code != http.StatusUnauthorized {
			t.Fatalf("forged request %d: status %d, want 401", i, code)
		}
	}
	if code := serveFrom(hs.h, "198.51.100.7:50000", path, github("push", "genuine", body), body); code != http.StatusAccepted {
		t.Fatalf("genuine push from another address during the flood: %d, want 202", code)
	}
	// The same address sends genuine pushes (each body unique): its own
	// burst is whole, and limits it.
	for i := range webhook.DefaultBurst + 1 {
		b := []byte(fmt.Sprintf(`{"ref":"refs/heads/dev","n":%d}`, i))
		want := http.StatusAccepted
		if i == webhook.DefaultBurst {
			want = http.StatusTooManyRequests
		}
		if code := serveFrom(hs.h, "192.0.2.66:40001", path, github("push", fmt.Sprintf("g%d", i), b), b); code != want {
			t.Fatalf("genuine push %d from the flooding address: %d, want %d", i, code, want)
		}
	}
	events, results := hs.rec.snapshot()
	if len(events) != webhook.DefaultBurst+1 {
		t.Errorf("%d wakes, want %d", len(events), webhook.DefaultBurst+1)
	}
	unauthorized := 0
	for _, r := range results {
		if r == "github/unauthorized" {
			unauthorized++
		}
	}
	if unauthorized != 2000 {
		t.Errorf("%d requests observed unauthorized, want 2000", unauthorized)
	}
}

// TestCapturedBodyReplayedUnderNewID sends a signed GitHub push captured
// on the wire again under a new delivery id: it is refused as a replay
// (200, no wake), the same as a repeated id.
func TestCapturedBodyReplayedUnderNewID(t *testing.T) {
	hs := newHarness(t, webhook.Options{})
	body := fixture(t, "github-push.json")
	for i, tc := range []struct {
		id     string
		status int
	}{{"d1", 202}, {"d2", 200}, {"d1", 200}, {"d3", 200}} {
		if s, _ := hs.do(t, http.MethodPost, "/webhooks/github/ml", github("push", tc.id, body), body); s != tc.status {
			t.Errorf("delivery %d (%s): status %d, want %d", i, tc.id, s, tc.status)
		}
	}
	events, results := hs.rec.snapshot()
	if len(events) != 1 {
		t.Errorf("%d wakes, want 1: %v", len(events), results)
	}
}
