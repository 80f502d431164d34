package webhook_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/sluice-dev/sluice/daemon/webhook"
)

// BenchmarkGitHubPush measures the handler's cost of one authentic GitHub
// push: routing, body read, HMAC check, replay memory, parse and Notify
// (ns per verified request, no network).
func BenchmarkGitHubPush(b *testing.B) {
	body := fixture(b, "github-push.json")
	wakes := 0
	// The same body comes each time: a clock that moves a second per
	// request and a millisecond replay window keep the replay guard
	// (which refuses a repeated body) in the measure without refusing.
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h, err := webhook.New(webhook.Options{
		Sources:      sources(),
		Rate:         rate.Inf,
		ReplayWindow: time.Millisecond,
		Clock:        func() time.Time { now = now.Add(time.Second); return now },
		Notify:       func(webhook.Event) { wakes++ },
	})
	if err != nil {
		b.Fatal(err)
	}
	header := github("push", "", body)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/webhooks/github/ml", bytes.NewReader(body))
		req.Header = header.Clone()
		req.Header.Set("X-Github-Delivery", strconv.Itoa(i))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		i++
	}
	if wakes != i {
		b.Fatalf("%d wakes for %d requests", wakes, i)
	}
}

// BenchmarkForgedGitHubPush measures what a forged GitHub push costs the
// handler: the body read and one HMAC, then 401 (no rate limit or replay
// memory touched), from one address with the default limits.
func BenchmarkForgedGitHubPush(b *testing.B) {
	body := fixture(b, "github-push.json")
	wakes := 0
	h, err := webhook.New(webhook.Options{Sources: sources(), Notify: func(webhook.Event) { wakes++ }})
	if err != nil {
		b.Fatal(err)
	}
	header := set(github("push", "", body), "X-Hub-Signature-256", sign("guess", body))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		header.Set("X-Github-Delivery", strconv.Itoa(i))
		if code := serveFrom(h, "192.0.2.66:40000", "/webhooks/github/ml", header.Clone(), body); code != http.StatusUnauthorized {
			b.Fatalf("status %d", code)
		}
		i++
	}
	if code := serveFrom(h, "198.51.100.7:50000", "/webhooks/github/ml", github("push", "genuine", body), body); code != http.StatusAccepted {
		b.Fatalf("genuine push after %d forged ones: %d, want 202", i, code)
	}
	if wakes != 1 {
		b.Fatalf("%d wakes, want the genuine push's only", wakes)
	}
}
