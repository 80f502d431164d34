package webhook_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/sluice-dev/sluice/daemon/webhook"
)

// step is one request of a sequence and the status it must get.
type step struct {
	do     func(hs *harness, t *testing.T) int
	status int
}

// pushTo returns a step sending a generic delivery id to repository repo,
// its body naming the id (so each delivery's body differs).
func pushTo(repo, id string, status int) step {
	return pushBody(repo, id, `{"delivery":"`+id+`"}`, status)
}

// pushBody returns a step sending body under delivery id to repo.
func pushBody(repo, id, body string, status int) step {
	return step{func(hs *harness, t *testing.T) int {
		s, _ := hs.do(t, http.MethodPost, "/webhooks/generic/"+repo, generic(id, []byte(body)), []byte(body))
		return s
	}, status}
}

// forged returns a step sending a request with a wrong signature.
func forged(id string) step {
	return step{func(hs *harness, t *testing.T) int {
		body := []byte(`{"delivery":"` + id + `"}`)
		s, _ := hs.do(t, http.MethodPost, "/webhooks/generic/ml", set(generic(id, body), "X-Sluice-Signature-256", sign("guess", body)), body)
		return s
	}, 401}
}

func advance(d time.Duration) step {
	return step{func(hs *harness, _ *testing.T) int { hs.clock.advance(d); return 0 }, 0}
}

func setSources(src []webhook.Source) step {
	return step{func(hs *harness, t *testing.T) int {
		if err := hs.h.SetSources(src); err != nil {
			t.Fatal(err)
		}
		return 0
	}, 0}
}

func withRepo(repo string) []webhook.Source {
	return append(sources(), webhook.Source{Repository: repo, Provider: webhook.Generic, Secret: []byte(genericSecret)})
}

func TestGuards(t *testing.T) {
	cases := []struct {
		name  string
		opts  webhook.Options
		steps []step
		wakes int
	}{
		{"replay refused", webhook.Options{}, []step{pushTo("ml", "a", 202), pushTo("ml", "a", 200)}, 1},
		{"replay kept across SetSources", webhook.Options{}, []step{
			pushTo("ml", "a", 202), setSources(withRepo("other")), pushTo("ml", "a", 200), pushTo("other", "b", 202)}, 2},
		{"delivery ids are per source", webhook.Options{Sources: withRepo("other")}, []step{
			pushTo("ml", "a", 202), pushTo("other", "a", 202)}, 2},
		{"replay forgotten after the window", webhook.Options{ReplayWindow: time.Minute}, []step{
			pushTo("ml", "a", 202), advance(59 * time.Second), pushTo("ml", "a", 200), advance(time.Second), pushTo("ml", "a", 202)}, 2},
		{"replay memory bounded, oldest forgotten", webhook.Options{ReplayCapacity: 3}, []step{
			pushTo("ml", "1", 202), pushTo("ml", "2", 202), pushTo("ml", "3", 202), pushTo("ml", "4", 202),
			pushTo("ml", "4", 200), pushTo("ml", "2", 200), pushTo("ml", "1", 202)}, 5},
		{"rate limited per source, refilled by time", webhook.Options{Rate: 1, Burst: 2, Sources: withRepo("other")}, []step{
			pushTo("ml", "1", 202), pushTo("ml", "2", 202), pushTo("ml", "3", 429), pushTo("other", "4", 202),
			advance(time.Second), pushTo("ml", "5", 202), pushTo("ml", "6", 429)}, 4},
		{"forged requests spend no budget", webhook.Options{Rate: 1, Burst: 1}, []step{
			forged("x"), forged("y"), forged("z"), pushTo("ml", "1", 202), pushTo("ml", "2", 429)}, 1},
		{"forged requests fill no replay memory", webhook.Options{}, []step{
			forged("a"), pushTo("ml", "a", 202)}, 1},
		{"same body under a new id refused", webhook.Options{}, []step{
			pushBody("ml", "a", `{"branch":"dev"}`, 202), pushBody("ml", "b", `{"branch":"dev"}`, 200),
			pushBody("ml", "c", `{"branch":"dev","n":1}`, 202)}, 2},
		{"same body accepted after the window", webhook.Options{ReplayWindow: time.Minute}, []step{
			pushBody("ml", "a", "", 202), advance(59 * time.Second), pushBody("ml", "b", "", 200),
			advance(time.Second), pushBody("ml", "c", "", 202)}, 2},
		{"body's delivery must match the header", webhook.Options{}, []step{
			pushBody("ml", "a", `{"delivery":"b"}`, 400)}, 0},
		{"rate limiter kept across SetSources", webhook.Options{Rate: 1, Burst: 1}, []step{
			pushTo("ml", "1", 202), setSources(withRepo("other")), pushTo("ml", "2", 429)}, 1},
		{"removed source refused", webhook.Options{}, []step{
			setSources(sources()[:1]), pushTo("ml", "1", 404)}, 0},
		{"unlimited rate", webhook.Options{Rate: rate.Inf, Burst: 1}, []step{
			pushTo("ml", "1", 202), pushTo("ml", "2", 202), pushTo("ml", "3", 202)}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, tc.opts)
			for i, s := range tc.steps {
				if got := s.do(hs, t); got != s.status {
					t.Errorf("step %d: status %d, want %d", i, got, s.status)
				}
			}
			if events, _ := hs.rec.snapshot(); len(events) != tc.wakes {
				t.Errorf("%d wakes, want %d: %+v", len(events), tc.wakes, events)
			}
		})
	}
}

// TestBodyCap sends bodies around the cap, with and without a declared
// length.
func TestBodyCap(t *testing.T) {
	const maxBody = 1024
	fit := []byte(`{"branch":"dev"}` + strings.Repeat(" ", maxBody-16))
	over := append(append([]byte(nil), fit...), ' ')
	cases := []struct {
		name    string
		body    []byte
		chunked bool
		status  int
	}{
		{"exactly the cap", fit, false, 202},
		{"one byte over", over, false, 413},
		{"one byte over, chunked", over, true, 413},
		{"far over, chunked", bytes.Repeat([]byte(" "), 1<<20), true, 413},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hs := newHarness(t, webhook.Options{MaxBody: maxBody})
			var body io.Reader = bytes.NewReader(tc.body)
			if tc.chunked {
				body = io.MultiReader(body) // hides the length: sent chunked
			}
			req, err := http.NewRequest(http.MethodPost, hs.srv.URL+"/webhooks/generic/ml", body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = generic("d", tc.body)
			resp, err := hs.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if err := resp.Body.Close(); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if events, _ := hs.rec.snapshot(); (tc.status == 202) != (len(events) == 1) {
				t.Errorf("events %+v after status %d", events, resp.StatusCode)
			}
		})
	}
}

func TestNewRefuses(t *testing.T) {
	notify := func(webhook.Event) {}
	cases := []struct {
		name string
		opts webhook.Options
	}{
		{"no notify", webhook.Options{}},
		{"negative body cap", webhook.Options{Notify: notify, MaxBody: -1}},
		{"unknown provider", webhook.Options{Notify: notify, Sources: []webhook.Source{{Repository: "ml", Provider: "bitbucket", Secret: []byte("s")}}}},
		{"no repository", webhook.Options{Notify: notify, Sources: []webhook.Source{{Provider: "github", Secret: []byte("s")}}}},
		{"empty secret", webhook.Options{Notify: notify, Sources: []webhook.Source{{Repository: "ml", Provider: "github"}}}},
		{"repeated source", webhook.Options{Notify: notify, Sources: append(sources(), sources()[0])}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if h, err := webhook.New(tc.opts); err == nil {
				t.Errorf("New = %v, want an error", h)
			}
		})
	}
}

// TestSetSourcesInvalidKeepsOld checks that a bad reload changes nothing.
func TestSetSourcesInvalidKeepsOld(t *testing.T) {
	hs := newHarness(t, webhook.Options{})
	if err := hs.h.SetSources([]webhook.Source{{Repository: "x", Provider: "github"}}); err == nil {
		t.Fatal("SetSources accepted an empty secret")
	}
	if s, _ := hs.do(t, http.MethodPost, "/webhooks/generic/ml", generic("1", nil), nil); s != 202 {
		t.Errorf("status %d after a refused reload, want 202", s)
	}
}

// TestSignatureFailureLogged checks the warning names the provider and
// repository and neither the secret nor the signature received.
func TestSignatureFailureLogged(t *testing.T) {
	var logs bytes.Buffer
	hs := newHarness(t, webhook.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	body := fixture(t, "github-push.json")
	bad := sign("guess", body)
	if s, _ := hs.do(t, http.MethodPost, "/webhooks/github/ml", set(github("push", "d", body), "X-Hub-Signature-256", bad), body); s != 401 {
		t.Fatalf("status %d, want 401", s)
	}
	out := logs.String()
	for _, want := range []string{"level=WARN", "provider=github", "repository=ml"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{githubSecret, strings.TrimPrefix(bad, "sha256="), strings.TrimPrefix(sign(githubSecret, body), "sha256=")} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds a secret or signature:\n%s", out)
		}
	}
}
