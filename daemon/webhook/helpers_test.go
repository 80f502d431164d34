package webhook_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon/webhook"
)

const (
	githubSecret  = "github-shared-secret"
	gitlabToken   = "gitlab-token-value"
	genericSecret = "generic-shared-secret"
)

// sources accepts every provider for repository ml.
func sources() []webhook.Source {
	return []webhook.Source{
		{Repository: "ml", Provider: webhook.GitHub, Secret: []byte(githubSecret)},
		{Repository: "ml", Provider: webhook.GitLab, Secret: []byte(gitlabToken)},
		{Repository: "ml", Provider: webhook.Generic, Secret: []byte(genericSecret)},
	}
}

// recorder keeps what the handler notified and observed.
type recorder struct {
	mu      sync.Mutex
	events  []webhook.Event
	results []string
}

func (r *recorder) notify(e webhook.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) observe(provider, result string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, provider+"/"+result)
}

func (r *recorder) snapshot() ([]webhook.Event, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]webhook.Event(nil), r.events...), append([]string(nil), r.results...)
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a Handler mounted as the daemon mounts it, served over real
// HTTP on 127.0.0.1.
type harness struct {
	srv   *httptest.Server
	h     *webhook.Handler
	rec   *recorder
	clock *clock
}

// newHarness starts a server; opts' Sources default to sources(), and its
// Notify, Observe and Clock are the harness's.
func newHarness(t *testing.T, opts webhook.Options) *harness {
	t.Helper()
	hs := &harness{rec: &recorder{}, clock: &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}}
	if opts.Sources == nil {
		opts.Sources = sources()
	}
	opts.Notify, opts.Observe, opts.Clock = hs.rec.notify, hs.rec.observe, hs.clock.now
	h, err := webhook.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/webhooks/", h)
	hs.h, hs.srv = h, httptest.NewServer(mux)
	t.Cleanup(hs.srv.Close)
	return hs
}

// do sends a request and returns its status and body.
func (hs *harness) do(t *testing.T, method, path string, header http.Header, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, hs.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := hs.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(resp.Body)
	if closeErr := resp.Body.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(text)
}

// sign returns the "sha256=HEX" HMAC of body under secret.
func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// github returns the headers of a signed GitHub delivery.
func github(event, id string, body []byte) http.Header {
	return http.Header{
		"X-Github-Event":      {event},
		"X-Github-Delivery":   {id},
		"X-Hub-Signature-256": {sign(githubSecret, body)},
		"Content-Type":        {"application/json"},
	}
}

// gitlab returns the headers of a GitLab delivery.
func gitlab(event, id string) http.Header {
	return http.Header{
		"X-Gitlab-Event":      {event},
		"X-Gitlab-Event-Uuid": {id},
		"X-Gitlab-Token":      {gitlabToken},
		"Content-Type":        {"application/json"},
	}
}

// generic returns the headers of a signed generic delivery.
func generic(id string, body []byte) http.Header {
	return http.Header{
		"X-Sluice-Delivery":      {id},
		"X-Sluice-Signature-256": {sign(genericSecret, body)},
	}
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
