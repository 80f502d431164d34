package daemon_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/redact"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/templates"
)

const (
	testToken  = "test-api-token"
	testSecret = "test-webhook-secret"
)

// harness runs a daemon in process on a temporary repository, its API
// served over real HTTP.
type harness struct {
	t      *testing.T
	bare   string
	dir    string
	d      *daemon.Daemon
	api    *httptest.Server
	reg    *prometheus.Registry
	cancel context.CancelFunc
	done   chan struct{}
}

// demoFiles returns the training template's files without its
// MetadataStore (the local backend needs a PostgreSQL server for it).
func demoFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := templates.Scaffold("training", dir, "demo"); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, doc := range strings.Split(files["deploy/stores.yaml"], "\n---\n") {
		if !strings.Contains(doc, "kind: MetadataStore") {
			kept = append(kept, doc)
		}
	}
	files["deploy/stores.yaml"] = strings.Join(kept, "\n---\n")
	return files
}

// configText is a daemon configuration for url with dev (auto, prune),
// staging (auto) and prod (manual) on the local backend.
func configText(dir, url string, poll time.Duration) string {
	env := func(name, sync string, prune bool) string {
		return fmt.Sprintf(`      - name: %s
        branch: %s
        backend: local
        local: {dir: %s}
        sync: %s
        prune: %v
        driftInterval: 0s
`, name, name, filepath.Join(dir, "world"), sync, prune)
	}
	return fmt.Sprintf(`listen: 127.0.0.1:0
stateFile: %s
apiToken: {env: SLUICE_TEST_API_TOKEN}
repositories:
  - name: ml
    url: %s
    pollInterval: %s
    webhooks:
      generic: {secret: {env: SLUICE_TEST_HOOK_SECRET}}
    environments:
%s%s%s`, filepath.Join(dir, "state.db"), url, poll, env("dev", "auto", true), env("staging", "auto", false), env("prod", "manual", false))
}

// harnessOptions change how startDaemonWith runs the daemon.
type harnessOptions struct {
	// clock, when set, is the daemon's clock and timers.
	clock *fakeClock
	// target, when set, changes the target of each connection (to
	// inject faults).
	target func(env config.Environment, t *rollout.Target) (*rollout.Target, error)
	// logs, when set, receives the daemon's log.
	logs *logRecorder
	// change, when set, changes the daemon's options last.
	change func(*daemon.Options)
}

// startDaemon starts a daemon on cfgText.
func startDaemon(t *testing.T, dir, cfgText string) *harness {
	t.Helper()
	return startDaemonWith(t, dir, cfgText, harnessOptions{})
}

// startDaemonWith starts a daemon on cfgText as o says. The daemon and
// its local worlds share one redactor, as the CLI wires them.
func startDaemonWith(t *testing.T, dir, cfgText string, o harnessOptions) *harness {
	t.Helper()
	t.Setenv("SLUICE_TEST_API_TOKEN", testToken)
	t.Setenv("SLUICE_TEST_HOOK_SECRET", testSecret)
	cfg, err := config.Parse(filepath.Join(dir, "daemon.yaml"), []byte(cfgText))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, dir: dir, reg: prometheus.NewRegistry(), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	red := redact.New()
	worlds := map[string]*local.World{}
	var mu sync.Mutex
	// runs is the daemon's run store (Options.Runs), which the worlds
	// record in as the CLI wires them.
	var runs local.RunRecorder
	connect := func(_ context.Context, env config.Environment, _ awsapi.Recorder) (*rollout.Target, error) {
		mu.Lock()
		defer mu.Unlock()
		w := worlds[env.Local.Dir]
		if w == nil {
			if w, err = local.New(env.Local.Dir, local.Options{Redact: red.String, Runs: runs}); err != nil {
				return nil, err
			}
			worlds[env.Local.Dir] = w
		}
		target := &rollout.Target{Backends: w.Backends(), Vars: w.Vars(), Runner: w}
		if o.target != nil {
			return o.target(env, target)
		}
		return target, nil
	}
	opts := daemon.Options{Config: cfg, Connect: connect, Registry: h.reg, ShutdownGrace: 5 * time.Second, Redactor: red}
	if o.clock != nil {
		opts.Clock, opts.NewTimer = o.clock.Now, o.clock.NewTimer
	}
	if o.logs != nil {
		opts.Logger = o.logs.logger()
	}
	if o.change != nil {
		o.change(&opts)
	}
	if opts.Runs != nil {
		runs = opts.Runs
	}
	h.d, err = daemon.New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	h.api = httptest.NewServer(h.d.Handler())
	go func() { defer close(h.done); _ = h.d.Run(ctx) }()
	t.Cleanup(h.stop)
	return h
}

// stop shuts the daemon down and releases its state file.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	<-h.done
	h.api.Close()
	if err := h.d.Close(); err != nil {
		h.t.Error(err)
	}
	h.cancel = nil
}

// status reads one environment's status through the API.
func (h *harness) status(env string) daemon.Status {
	h.t.Helper()
	var s daemon.Status
	h.getJSON("/api/v1/environments/"+url.PathEscape(env), &s)
	return s
}

func (h *harness) getJSON(path string, v any) {
	h.t.Helper()
	h.getJSONWith(path, "", v)
}

// getJSONWith reads path with a bearer token ("" for none) and decodes
// the answer into v, failing the test on any status but 200.
func (h *harness) getJSONWith(path, token string, v any) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.api.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		h.t.Fatalf("GET %s: %s %s", path, resp.Status, body)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		h.t.Fatal(err)
	}
}

// post sends a mutating API call with token and returns the status code
// and body.
func (h *harness) post(path, token string, body any) (int, string) {
	h.t.Helper()
	var r io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(http.MethodPost, h.api.URL+path, r)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// webhook posts a generic webhook for branch, signed with secret.
func (h *harness) webhook(branch, secret, delivery string) int {
	h.t.Helper()
	return signedWebhook(h.t, h.api.URL, branch, secret, delivery)
}

// signedWebhook posts a generic webhook of repository ml for branch to
// the daemon at url, signed with secret, and returns the status code.
// The body names the delivery, as generic senders do to keep each body
// unique.
func signedWebhook(tb testing.TB, url, branch, secret, delivery string) int {
	tb.Helper()
	body := []byte(fmt.Sprintf(`{"ref":"refs/heads/%s","delivery":%q}`, branch, delivery))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req, _ := http.NewRequest(http.MethodPost, url+"/webhooks/generic/ml", bytes.NewReader(body))
	req.Header.Set("X-Sluice-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("X-Sluice-Delivery", delivery)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls env's status until ok accepts it, failing after limit.
func (h *harness) waitFor(env string, limit time.Duration, what string, ok func(daemon.Status) bool) daemon.Status {
	h.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := h.status(env)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: %s not reached in %s; status: %+v", env, what, limit, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// applied waits until env has applied revision and is in state.
func (h *harness) applied(env, revision, state string) daemon.Status {
	h.t.Helper()
	return h.waitFor(env, 30*time.Second, fmt.Sprintf("revision %.12s applied, state %s", revision, state), func(s daemon.Status) bool {
		return s.Applied == revision && s.State == state
	})
}
