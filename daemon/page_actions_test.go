package daemon_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

const testReadToken = "read-token-for-the-page-tests"

// newStoredPageRig is the page rig with a read token and a run store,
// which the local backend records its runs in.
func newStoredPageRig(t *testing.T) (*pageRig, harnessOptions) {
	t.Helper()
	t.Setenv("SLUICE_TEST_READ_TOKEN", testReadToken)
	store, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	o := harnessOptions{change: func(o *daemon.Options) {
		o.Runs = store
		o.Config.ReadTokens = []config.Secret{{Env: "SLUICE_TEST_READ_TOKEN"}}
	}}
	return newPageRig(t, o), o
}

// signedIn returns a client signed in with token.
func signedIn(t *testing.T, base, token string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(base+"/ui/signin", url.Values{"token": {token}, "next": {"/"}})
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	return client
}

var (
	csrfRE = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)
	hashRE = regexp.MustCompile(`action="/ui/env/prod/approve"><input type="hidden" name="csrf" value="[0-9a-f]+"><input type="hidden" name="next" value="/"><input type="hidden" name="revision" value="([0-9a-f]+)"><input type="hidden" name="hash" value="([0-9a-f]+)">`)
)

// post posts form to path with client and returns the final status,
// path and body after redirects.
func postForm(t *testing.T, client *http.Client, base, path, origin string, form url.Values) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Request.URL.Path, b.String()
}

// TestPageActions: only the API token's holder sees and can use the
// actions; each form needs the daemon's origin and its form token; the
// result is shown once after the redirect; an approval applies the plan
// shown, and a plan that moved is shown again, nothing applied.
func TestPageActions(t *testing.T) {
	r, _ := newStoredPageRig(t)
	base := r.h.api.URL
	forms := []string{`action="/ui/env/prod/approve"`, `action="/ui/env/dev/sync"`, `action="/ui/env/dev/suspend"`}

	_, _, anon := get(t, http.DefaultClient, base, "/")
	for _, f := range forms {
		if strings.Contains(anon, f) {
			t.Errorf("an anonymous viewer sees the form %s", f)
		}
	}
	if !strings.Contains(anon, `href="/ui/signin?next=%2f"`) || !strings.Contains(anon, "Sign in with the API token</a> to approve") {
		t.Errorf("an anonymous viewer sees no sign-in link")
	}
	reader := signedIn(t, base, testReadToken)
	_, _, read := get(t, reader, base, "/")
	for _, f := range forms {
		if strings.Contains(read, f) {
			t.Errorf("a read token's holder sees the form %s", f)
		}
	}
	if !strings.Contains(read, "needs the API token") {
		t.Errorf("a read token's holder is not told approving needs the API token")
	}

	admin := signedIn(t, base, testToken)
	_, _, page := get(t, admin, base, "/")
	for _, f := range forms {
		if !strings.Contains(page, f) {
			t.Errorf("the API token's holder lacks the form %s", f)
		}
	}
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no form token on the page")
	}
	csrf := m[1]
	ok := url.Values{"csrf": {csrf}, "next": {"/"}}

	// Refused: a read token with a valid-looking form, another origin,
	// no form token. Nothing is suspended.
	for _, tt := range []struct {
		name   string
		client *http.Client
		origin string
		form   url.Values
	}{
		{"another origin", admin, "http://evil.example", ok},
		{"no form token", admin, base, url.Values{"next": {"/"}}},
		{"a wrong form token", admin, base, url.Values{"csrf": {strings.Repeat("0", 64)}, "next": {"/"}}},
		{"the admin's form token, no cookie", http.DefaultClient, base, ok},
		{"a read token", reader, base, ok},
	} {
		if code, _, body := postForm(t, tt.client, base, "/ui/env/dev/suspend", tt.origin, tt.form); code != http.StatusForbidden {
			t.Errorf("%s: suspend answered %d, want 403\n%.300s", tt.name, code, body)
		}
	}
	if s := r.h.status("dev"); s.Suspended {
		t.Fatal("a refused form suspended dev")
	}

	code, path, body := postForm(t, admin, base, "/ui/env/dev/suspend", base, ok)
	if code != http.StatusOK || path != "/" || !strings.Contains(body, `id="flash"`) || !strings.Contains(body, "dev is suspended") ||
		!strings.Contains(body, `action="/ui/env/dev/resume"`) {
		t.Errorf("suspend: %d %s, no result or no resume button\n%.2000s", code, path, body)
	}
	if s := r.h.status("dev"); !s.Suspended {
		t.Errorf("dev is not suspended after the form")
	}
	if _, _, again := get(t, admin, base, "/"); strings.Contains(again, `id="flash"`) {
		t.Errorf("the result is shown twice")
	}
	if code, _, body := postForm(t, admin, base, "/ui/env/dev/resume", base, ok); code != http.StatusOK || !strings.Contains(body, "dev is resumed") {
		t.Errorf("resume: %d\n%.500s", code, body)
	}
	if s := r.h.status("dev"); s.Suspended {
		t.Errorf("dev is still suspended after resume")
	}
	if code, _, body := postForm(t, admin, base, "/ui/env/dev/sync", base, ok); code != http.StatusOK || !strings.Contains(body, "reconcile of dev") {
		t.Errorf("sync: %d\n%.500s", code, body)
	}

	// Approve: a plan hash that is not the one waiting applies nothing
	// and shows the plan waiting; the one shown applies.
	hm := hashRE.FindStringSubmatch(page)
	if hm == nil {
		t.Fatalf("no approve form with the plan's revision and hash:\n%.3000s", page)
	}
	rev, hash := hm[1], hm[2]
	if want := r.h.status("prod").Pending.Hash; hash != want {
		t.Fatalf("the form approves plan %s, the plan waiting is %s", hash, want)
	}
	stale := url.Values{"csrf": {csrf}, "next": {"/"}, "revision": {rev}, "hash": {"0123456789abcdef"}}
	code, path, body = postForm(t, admin, base, "/ui/env/prod/approve", base, stale)
	if code != http.StatusOK || path != "/ui/env/prod/plan" || !strings.Contains(body, "the plan changed") || !strings.Contains(body, `role="alert"`) {
		t.Errorf("approve of another plan: %d %s\n%.1500s", code, path, body)
	}
	if s := r.h.status("prod"); s.State != daemon.StateWaitingApproval {
		t.Fatalf("prod is %s after approving another plan", s.State)
	}
	code, path, body = postForm(t, admin, base, "/ui/env/prod/approve", base,
		url.Values{"csrf": {csrf}, "next": {"/"}, "revision": {rev}, "hash": {hash}})
	if code != http.StatusOK || path != "/" || !strings.Contains(body, "applied: prod is synced") {
		t.Errorf("approve: %d %s\n%.1500s", code, path, body)
	}
	if s := r.h.status("prod"); s.State != daemon.StateSynced || s.Applied != rev {
		t.Errorf("prod after approval: %s at %s, want synced at %s", s.State, s.Applied, rev)
	}
}

// TestRunPagesFromStore: a failed run is resumed from its page, and
// after a restart, whose memory holds no run, the run pages and lists
// read the runs from the run store.
func TestRunPagesFromStore(t *testing.T) {
	r, o := newStoredPageRig(t)
	base := r.h.api.URL
	admin := signedIn(t, base, testToken)
	_, _, page := get(t, admin, base, r.run)
	if strings.Contains(page, "Stop the run") || !strings.Contains(page, `action="/ui/env/dev/runs/f1/resume"`) {
		t.Fatalf("the failed run's page offers no resume, or a stop:\n%.3000s", page)
	}
	csrf := csrfRE.FindStringSubmatch(page)[1]
	code, path, body := postForm(t, admin, base, "/ui/env/dev/runs/f1/resume", base, url.Values{"csrf": {csrf}, "next": {r.run}})
	if code != http.StatusOK || !strings.HasPrefix(path, "/ui/env/dev/pipelines/flaky/runs/") || path == r.run ||
		!strings.Contains(body, "resumes f1 from its failed step") {
		t.Fatalf("resume from the page: %d %s\n%.2000s", code, path, body)
	}
	resumed := path[strings.LastIndex(path, "/")+1:]
	// The resumed run ends (its gather fails again) before the restart,
	// so that nothing writes in the world while the daemon is down.
	deadline := time.Now().Add(60 * time.Second)
	for {
		var run struct{ Status string }
		r.h.getJSONWith("/api/v1/environments/dev/runs/"+resumed, testToken, &run)
		if run.Status != "" && run.Status != "RUNNING" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the resumed run %s did not end", resumed)
		}
		time.Sleep(100 * time.Millisecond)
	}

	r.h.stop()
	h := startDaemonWith(t, r.h.dir, configText(r.h.dir, gitserver.FileURL(r.h.bare), time.Hour), o)
	h.bare = r.h.bare
	h.waitFor("dev", 60*time.Second, "a first reconcile", func(s daemon.Status) bool { return s.Reconciled })
	if s := h.status("dev"); len(s.Runs) != 0 {
		t.Fatalf("the restarted daemon remembers runs %+v: the test needs them from the store", s.Runs)
	}
	reader := &http.Client{Transport: bearer(testReadToken)}
	code, _, body = get(t, reader, h.api.URL, r.run)
	if code != http.StatusOK || !strings.Contains(body, `<span class="badge bad">FAILED</span>`) || !strings.Contains(body, "gather (attempt 2)") ||
		!strings.Contains(body, `class="step st-failed" data-step="gather"`) {
		t.Fatalf("the run page after a restart: %d\n%.2000s", code, body)
	}
	i := strings.Index(body, `First failed step: <a href="`)
	if i < 0 {
		t.Fatal("no link to the failed step's log after a restart")
	}
	logPath := strings.SplitN(body[i+len(`First failed step: <a href="`):], `"`, 2)[0]
	if code, _, body := get(t, reader, h.api.URL, logPath); code != http.StatusOK || !strings.Contains(body, "gathering failed on purpose") {
		t.Errorf("the failed step's log after a restart: %d\n%.800s", code, body)
	}
	for _, p := range []string{"/", "/ui/env/dev/pipelines/flaky"} {
		_, _, body := get(t, reader, h.api.URL, p)
		for _, name := range []string{"f1", resumed} {
			if !strings.Contains(body, `href="/ui/env/dev/pipelines/flaky/runs/`+name+`"`) {
				t.Errorf("%s after a restart does not list run %s", p, name)
			}
		}
	}
	if code, _, _ := get(t, reader, h.api.URL, "/ui/env/dev/pipelines/slow/runs/f1"); code != http.StatusNotFound {
		t.Errorf("run f1 under another pipeline: %d, want 404", code)
	}
}
