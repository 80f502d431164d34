package webhook_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"golang.org/x/time/rate"

	"github.com/sluice-dev/sluice/daemon/webhook"
)

// BenchmarkGitHubPush measures the handler's cost of one authentic GitHub
// push: routing, body read, HMAC check, replay memory, parse and Notify
// (ns per verified request, no network).
func BenchmarkGitHubPush(b *testing.B) {
	body := fixture(b, "github-push.json")
	wakes := 0
	h, err := webhook.New(webhook.Options{
		Sources: sources(),
		Rate:    rate.Inf,
		Notify:  func(webhook.Event) { wakes++ },
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
