package daemon_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
)

// chromium returns the headless browser's path; the test is skipped
// without one unless SLUICE_REQUIRE_CHROMIUM=1.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SLUICE_REQUIRE_CHROMIUM") == "1" {
		t.Fatal("chromium is not installed and SLUICE_REQUIRE_CHROMIUM=1")
	}
	t.Skip("chromium is not installed (apt-get install chromium)")
	return ""
}

// recordingProxy is the browser's proxy for every host but loopback:
// it answers 502 and records the hosts asked for, so that any request
// the pages make outside the daemon is seen.
type recordingProxy struct {
	mu    sync.Mutex
	hosts []string
	addr  string
}

func newRecordingProxy(t *testing.T) *recordingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &recordingProxy{addr: ln.Addr().String()}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.hosts = append(p.hosts, r.Method+" "+r.Host)
		p.mu.Unlock()
		http.Error(w, "no external requests", http.StatusBadGateway)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return p
}

// browserOwn are the hosts Chromium itself calls (component updates,
// accounts) whatever the page: not requests of the pages.
var browserOwn = map[string]bool{"update.googleapis.com": true, "clients2.google.com": true, "accounts.google.com": true,
	"clientservices.googleapis.com": true, "redirector.gvt1.com": true, "content-autofill.googleapis.com": true,
	"optimizationguide-pa.googleapis.com": true}

// seen returns the hosts asked for besides the browser's own.
func (p *recordingProxy) seen() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, h := range p.hosts {
		method, host, _ := strings.Cut(h, " ")
		name, _, _ := strings.Cut(host, ":")
		if !browserOwn[name] {
			out = append(out, method+" "+host)
		}
	}
	return out
}

// pathRecorder serves the daemon's pages and remembers the paths asked.
type pathRecorder struct {
	next  http.Handler
	mu    sync.Mutex
	paths map[string]int
}

func (p *pathRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.paths[r.URL.Path]++
	p.mu.Unlock()
	p.next.ServeHTTP(w, r)
}

func (p *pathRecorder) count(path string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.paths[path]
}

// browse runs headless Chromium on url: the DOM after scripts ran, and
// a screenshot saved at png when png is not "".
func browse(t *testing.T, bin, proxy, url, png, size string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
		"--user-data-dir=" + t.TempDir(), "--proxy-server=http://" + proxy, "--hide-scrollbars",
		"--timeout=4000", "--window-size=" + size}
	if png != "" {
		args = append(args, "--screenshot="+png)
	} else {
		args = append(args, "--dump-dom")
	}
	out, err := exec.CommandContext(ctx, bin, append(args, url)...).Output()
	if err != nil {
		t.Fatalf("chromium %s: %v", url, err)
	}
	return string(out)
}

// TestPagesInChromium opens every page in headless Chromium, from the
// environments to a failed step's log: each renders with its pictures,
// the live script subscribes to the event stream, and no page asks any
// host but the daemon. Then, as a person would, it tabs to the skip
// link, clicks from the environments page to a pipeline, its failed run
// and the failed step's log, signs in with the API token through the
// form, approves the plan waiting in prod from the page and starts a run
// from a pipeline's page. Screenshots go to SLUICE_SCREENSHOTS when set
// (docs/screenshots for the README).
func TestPagesInChromium(t *testing.T) {
	bin := chromium(t)
	r := newPageRig(t, harnessOptions{change: func(o *daemon.Options) { o.Config.AnonymousRead = true }})
	proxy := newRecordingProxy(t)
	shots := os.Getenv("SLUICE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	rec := &pathRecorder{next: r.h.d.Handler(), paths: map[string]int{}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	base := srv.URL
	for _, tt := range []struct {
		name, path string
		want       []string
	}{
		{"environments", "/", []string{"waiting for approval", "flaky"}},
		{"pipeline", "/ui/env/dev/pipelines/training", []string{`data-step="train"`, "<svg"}},
		{"history", "/ui/env/dev/history", []string{"applied now"}},
		{"plan", "/ui/env/prod/plan", []string{"to create"}},
		{"run", r.run, []string{`st-failed`, `class="timeline"`, "gather (attempt 2)"}},
		{"log", r.run + "/steps/5/log", []string{"gathering failed on purpose", `aria-current="page">attempt 2</a>`, ">attempt 1</a>"}},
	} {
		dom := browse(t, bin, proxy.addr, base+tt.path, "", "1280,1000")
		for _, w := range tt.want {
			if !strings.Contains(dom, w) {
				t.Errorf("%s: the DOM lacks %q", tt.name, w)
			}
		}
		browse(t, bin, proxy.addr, base+tt.path, filepath.Join(shots, tt.name+".png"), "1280,1400")
		if fi, err := os.Stat(filepath.Join(shots, tt.name+".png")); err != nil || fi.Size() < 10000 {
			t.Errorf("%s: no screenshot (%v)", tt.name, err)
		}
	}
	// A phone's width: the pages reflow rather than scroll sideways.
	browse(t, bin, proxy.addr, base+"/", filepath.Join(shots, "environments-phone.png"), "390,844")
	axe, ok := axeSource(t)
	if ok {
		c := newCDP(t, bin, proxy.addr)
		anonymous := []string{"/", "/ui/env/dev/pipelines/training", "/ui/env/dev/history", "/ui/env/prod/plan", r.run,
			r.run + "/steps/0/log", r.run + "/steps/5/log", "/ui/signin", "/ui/env/dev/pipelines/nosuch"}
		axeCheck(t, c, axe, base, anonymous)
		c.navigate(base + "/ui/signin")
		c.typeInto("#token", testToken)
		c.click(`form.signin button[type=submit]`)
		c.until("signed in", `document.querySelector("header .who").innerText.includes("signed in")`)
		axeCheck(t, c, axe, base, []string{"/", "/ui/env/dev/pipelines/flaky", "/ui/env/prod/plan", "/ui/env/prod/plan?q=training", r.run})
		c.stop()
	}
	clickThrough(t, r, newCDP(t, bin, proxy.addr), base, shots, axe)
	for _, p := range []string{"/ui/static/style.css", "/ui/static/live.js", "/api/v1/events"} {
		if rec.count(p) == 0 {
			t.Errorf("the browser did not ask for %s", p)
		}
	}
	if hosts := proxy.seen(); len(hosts) > 0 {
		t.Errorf("the pages asked hosts other than the daemon: %v", hosts)
	}
}

// clickThrough drives the pages by keyboard and clicks (see
// TestPagesInChromium).
// axe, when not "", is axe-core's script, run on the form with its
// problems shown.
func clickThrough(t *testing.T, r *pageRig, c *cdp, base, shots, axe string) {
	t.Helper()
	defer c.stop()
	c.navigate(base + "/")
	c.until("the environments page", `document.querySelector("h2#env-dev") && document.querySelector("form[action='/ui/env/prod/approve']") === null`)
	// The first Tab reaches the skip link, which comes into view with
	// a visible focus ring.
	for _, typ := range []string{"keyDown", "keyUp"} {
		if _, err := c.call("Input.dispatchKeyEvent", map[string]any{"type": typ, "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9}); err != nil {
			t.Fatal(err)
		}
	}
	c.until("the skip link focused, in view, with a focus ring", `document.activeElement.className === "skip" &&
		document.activeElement.getBoundingClientRect().left >= 0 && getComputedStyle(document.activeElement).outlineStyle === "solid"`)

	c.click(`a[href="/ui/env/dev/pipelines/flaky"]`)
	c.until("the pipeline page with its graph", `location.pathname === "/ui/env/dev/pipelines/flaky" && document.querySelector("svg [data-step='gather']")`)
	c.click(`a[href="/ui/env/dev/pipelines/flaky/runs/f1"]`)
	c.until("the run page with its failed step", `location.pathname === "/ui/env/dev/pipelines/flaky/runs/f1" && document.querySelector(".st-failed")`)
	c.must(`[...document.querySelectorAll("main p")].find(p => p.textContent.startsWith("First failed step")).querySelector("a").click()`)
	c.until("the failed step's log", `location.pathname.endsWith("/log") && document.body.innerText.includes("gathering failed on purpose")`)
	logPath, _ := c.eval("location.pathname")

	// Sign in with the API token through the form: back on the log.
	c.click(`header a[href^="/ui/signin"]`)
	c.until("the sign-in page", `location.pathname === "/ui/signin"`)
	c.typeInto("#token", testToken)
	c.click(`form.signin button[type=submit]`)
	c.until("the log again, signed in", `location.pathname === `+string(logPath)+` && document.querySelector("header .who").innerText.includes("signed in")`)

	// Approve the plan waiting in prod: the form carries its hash.
	c.click("a.brand")
	c.until("the approve button", `document.querySelector("form[action='/ui/env/prod/approve'] button")`)
	hash, err := c.eval(`document.querySelector("form[action='/ui/env/prod/approve'] input[name=hash]").value`)
	if err != nil {
		t.Fatal(err)
	}
	if want := r.h.status("prod").Pending.Hash; string(hash) != `"`+want+`"` {
		t.Fatalf("the approve form posts hash %s, the plan waiting is %s", hash, want)
	}
	c.must(`document.getElementById("env-prod").scrollIntoView()`)
	screenshot(t, c, filepath.Join(shots, "environments-signed-in.png"))
	c.click(`form[action='/ui/env/prod/approve'] button`)
	c.until("the approval's result", `location.pathname === "/" && document.getElementById("flash") &&
		document.getElementById("flash").innerText.includes("applied: prod is synced")`)
	if s := r.h.status("prod"); s.State != daemon.StateSynced || s.Pending != nil {
		t.Errorf("prod after the approval from the page: %s, pending %v", s.State, s.Pending != nil)
	}

	// Start a run from the pipeline page's form: a bad value is shown
	// next to its field, then a good one starts the run and its page
	// follows.
	c.navigate(base + "/ui/env/dev/pipelines/flaky")
	c.until("the start-run form", `document.querySelector("form.runform #param-xs")`)
	c.typeInto("#param-xs", "[7, 8")
	c.click(`form.runform button[type=submit]`)
	c.until("the problem next to the field", `document.getElementById("param-xs-err") &&
		document.getElementById("param-xs-err").innerText.includes("must be a list") &&
		document.getElementById("param-xs").getAttribute("aria-invalid") === "true"`)
	if axe != "" {
		axeRun(t, c, axe, "the start-run form with a problem")
	}
	c.must(`document.querySelector("form.runform").scrollIntoView()`)
	screenshot(t, c, filepath.Join(shots, "pipeline-start-run.png"))
	c.must(`document.getElementById("param-xs").value = ""`)
	c.typeInto("#param-xs", "[7, 8]")
	c.must(`document.querySelector("form.runform details").open = true`)
	c.typeInto("#run-name", "from-browser")
	c.click(`form.runform button[type=submit]`)
	c.until("the new run's page", `location.pathname === "/ui/env/dev/pipelines/flaky/runs/from-browser" &&
		document.querySelector("h1").innerText.startsWith("Run from-browser") &&
		document.getElementById("flash").innerText.includes("started")`)
	waitRunDone(t, r, "flaky", "from-browser")
}

// screenshot saves the tab's page as a PNG at path.
func screenshot(t *testing.T, c *cdp, path string) {
	t.Helper()
	res, err := c.call("Page.captureScreenshot", map[string]any{"format": "png"})
	if err != nil {
		t.Fatal(err)
	}
	var shot struct{ Data []byte }
	if err := json.Unmarshal(res, &shot); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, shot.Data, 0o644); err != nil {
		t.Fatal(err)
	}
}
