package daemon_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/daemon/config"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/redact"
	"github.com/sluice-dev/sluice/runstore/sqlitestore"
)

// Canary secrets: each is configured as a secret (or sits in the
// daemon's environment), and none may appear in an answer, a log line
// or a stored record.
const (
	canaryRead = "canary-read-token-7f3a91"
	canaryPG   = "canary-pg-password-9c1e"
	canaryAWS  = "canaryAWSsecretKEY0123456789"
)

// leakyPipeline is a pipeline whose step prints every canary, reads the
// daemon's environment and the read token's file, then fails: the last
// lines of its log become the run's cause. Each canary is printed from
// two halves, so that the repository (and what is deployed from it)
// does not hold it.
func leakyPipeline(tokenFile string) string {
	var cmd strings.Builder
	for _, c := range []string{testToken, testSecret, canaryRead, "postgres://sluice:" + canaryPG + "@127.0.0.1:1/x", canaryAWS} {
		half := len(c) / 2
		fmt.Fprintf(&cmd, "printf '%%s%%s\\n' %s %s; ", c[:half], c[half:])
	}
	cmd.WriteString("echo env=$AWS_SECRET_ACCESS_KEY $SLUICE_TEST_API_TOKEN; cat " + tokenFile + "; exit 3")
	return `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: leaky
spec:
  image: alpine:3
  artifactStore: artifacts
  compute: cpu
  steps:
    - name: leak
      command: [sh, -c, "` + cmd.String() + `"]
`
}

// logBuffer is a concurrency-safe log sink.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// guardedDaemon starts a daemon with a read token (in a file), a DSN
// with a password and AWS keys in its environment, on a repository whose
// dev branch holds the leaky pipeline. It returns the harness, the log
// and the configuration's extra lines.
func guardedDaemon(t *testing.T, extra string) (*harness, *logBuffer) {
	t.Helper()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "read-token")
	if err := os.WriteFile(tokenFile, []byte(canaryRead+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SLUICE_TEST_PG_DSN", "postgres://sluice:"+canaryPG+"@127.0.0.1:1/x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", canaryAWS)
	files := demoFiles(t)
	files["deploy/leaky.yaml"] = leakyPipeline(tokenFile)
	bare := gitserver.NewRepo(t, files, "dev")
	gitserver.Branch(t, bare, "dev", "staging")
	gitserver.Branch(t, bare, "dev", "prod")
	text := configText(dir, gitserver.FileURL(bare), time.Hour)
	text = strings.Replace(text, "apiToken: {env: SLUICE_TEST_API_TOKEN}\n",
		"apiToken: {env: SLUICE_TEST_API_TOKEN}\nreadTokens: [{file: "+tokenFile+"}]\n"+extra, 1)
	text = strings.ReplaceAll(text, "local: {dir: "+filepath.Join(dir, "world")+"}",
		"local: {dir: "+filepath.Join(dir, "world")+", postgresDSN: {env: SLUICE_TEST_PG_DSN}}")
	logs := &logBuffer{}
	store, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "runs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	h := startDaemonWith(t, dir, text, harnessOptions{change: func(o *daemon.Options) {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		o.Runs = store
	}})
	h.bare = bare
	h.applied("dev", gitserver.Head(t, bare, "dev"), daemon.StateSynced)
	return h, logs
}

// request sends one request and returns its status and body.
func (h *harness) request(method, path, token, host string, body io.Reader) (int, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, h.api.URL+path, body)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestHTTPAccess checks each route's tier, the Host check and the body
// cap by status code.
func TestHTTPAccess(t *testing.T) {
	h, _ := guardedDaemon(t, "")
	const env = "/api/v1/environments/dev"
	big := func() io.Reader { return bytes.NewReader(bytes.Repeat([]byte(" "), 1<<20)) }
	cases := []struct {
		name, method, path, token, host string
		body                            func() io.Reader
		status                          int
	}{
		{"health open", "GET", "/healthz", "", "", nil, 200},
		{"health answers any Host", "GET", "/healthz", "", "rebind.attacker.example", nil, 200},
		{"metrics open", "GET", "/metrics", "", "", nil, 200},
		{"summary open", "GET", "/api/v1/environments", "", "", nil, 200},
		{"plan open", "GET", env + "/plan", "", "", nil, 200},
		{"status page open", "GET", "/", "", "", nil, 200},
		{"runs need a token", "GET", env + "/runs", "", "", nil, 401},
		{"run needs a token", "GET", env + "/pipelines/leaky/runs/x", "", "", nil, 401},
		{"runs with a wrong token", "GET", env + "/runs", "guess", "", nil, 401},
		{"runs with the read token", "GET", env + "/runs", canaryRead, "", nil, 200},
		{"runs with the API token", "GET", env + "/runs", testToken, "", nil, 200},
		{"read token changes nothing", "POST", env + "/sync", canaryRead, "", nil, 401},
		{"read token starts no run", "POST", env + "/pipelines/leaky/runs", canaryRead, "", nil, 401},
		{"recorded run needs a token", "GET", env + "/runs/x", "", "", nil, 401},
		{"run log needs a token", "GET", env + "/runs/x/steps/leak/log", "", "", nil, 401},
		{"lineage needs a token", "GET", env + "/lineage?uri=s3://b/k", "", "", nil, 401},
		{"recorded run with the read token", "GET", env + "/runs/x", canaryRead, "", nil, 404},
		{"lineage with the read token", "GET", env + "/lineage?uri=s3://b/k", canaryRead, "", nil, 404},
		{"artifact needs the API token", "GET", env + "/artifact?uri=s3://b/k", canaryRead, "", nil, 401},
		{"artifact of another bucket", "GET", env + "/artifact?uri=s3://b/k", testToken, "", nil, 404},
		{"artifact outside its bucket", "GET", env + "/artifact?uri=s3://b/../k", testToken, "", nil, 404},
		{"artifact not s3", "GET", env + "/artifact?uri=/etc/passwd", testToken, "", nil, 400},
		{"read token stops no run", "POST", env + "/runs/x/stop", canaryRead, "", nil, 401},
		{"read token resumes no run", "POST", env + "/runs/x/resume", canaryRead, "", nil, 401},
		{"API token resumes an unknown run", "POST", env + "/runs/x/resume", testToken, "", nil, 404},
		{"API token stops an unknown run", "POST", env + "/runs/x/stop", testToken, "", nil, 404},
		{"API token syncs", "POST", env + "/sync", testToken, "", nil, 200},
		{"rebinding Host refused", "GET", "/api/v1/environments", "", "rebind.attacker.example:8080", nil, 421},
		{"rebinding Host refused with a token", "GET", env + "/runs", canaryRead, "rebind.attacker.example", nil, 421},
		{"localhost allowed", "GET", "/api/v1/environments", "", "localhost:8080", nil, 200},
		{"1 MiB approve body", "POST", env + "/approve", testToken, "", big, 413},
		{"1 MiB approve body, chunked", "POST", env + "/approve", testToken, "", func() io.Reader { return io.MultiReader(big()) }, 413},
		{"1 MiB run body", "POST", env + "/pipelines/leaky/runs", testToken, "", big, 413},
		{"body not JSON", "POST", env + "/approve", testToken, "", func() io.Reader { return strings.NewReader("{") }, 400},
		{"oversized body without the token", "POST", env + "/approve", "", "", big, 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != nil {
				body = tc.body()
			}
			if code, text := h.request(tc.method, tc.path, tc.token, tc.host, body); code != tc.status {
				t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, code, text, tc.status)
			}
		})
	}
}

// TestAnonymousRead turns anonymous read on: runs are readable without a
// token, changes still need the API token.
func TestAnonymousRead(t *testing.T) {
	h, _ := guardedDaemon(t, "anonymousRead: true\n")
	if code, body := h.request("GET", "/api/v1/environments/dev/runs", "", "", nil); code != 200 {
		t.Errorf("runs without a token: %d %s, want 200", code, body)
	}
	if code, body := h.request("POST", "/api/v1/environments/dev/sync", "", "", nil); code != 401 {
		t.Errorf("sync without a token: %d %s, want 401", code, body)
	}
}

// TestSecretsNeverLeave runs a step that prints every secret the daemon
// knows and fails; its cause is served masked, and no canary is in any
// answer, the daemon's log, or a file the daemon or its backend stored
// (job logs aside: they are the step's own output, see the report in
// docs/operations.md).
func TestSecretsNeverLeave(t *testing.T) {
	h, logs := guardedDaemon(t, "")
	const runs = "/api/v1/environments/dev/pipelines/leaky/runs"
	if code, body := h.post(runs, testToken, map[string]any{"name": "leak-1"}); code != http.StatusOK {
		t.Fatalf("start the run: %d %s", code, body)
	}
	var run daemon.Run
	deadline := time.Now().Add(30 * time.Second)
	for !run.Done() {
		if time.Now().After(deadline) {
			t.Fatalf("the run did not end: %+v", run)
		}
		time.Sleep(50 * time.Millisecond)
		h.getJSONWith(runs+"/leak-1", canaryRead, &run)
	}
	if run.Status != sluice.ExecutionFailed || strings.Count(run.Cause, redact.Mask) < 5 {
		t.Fatalf("run %s with cause %q: want FAILED with the printed secrets masked", run.Status, run.Cause)
	}
	canaries := []string{testToken, testSecret, canaryRead, canaryPG, canaryAWS}
	var answers []string
	recorded := "/api/v1/environments/dev/runs/leak-1"
	for _, p := range []string{runs + "/leak-1", "/api/v1/environments/dev/runs", recorded, recorded + "/steps/leak/log",
		"/api/v1/environments", "/api/v1/environments/dev", "/", "/metrics"} {
		code, body := h.request("GET", p, testToken, "", nil)
		if code != http.StatusOK {
			t.Errorf("GET %s: %d", p, code)
		}
		answers = append(answers, p+":\n"+body)
	}
	h.stop()
	stored := storedFiles(t, h.dir)
	for _, c := range canaries {
		for _, a := range answers {
			if strings.Contains(a, c) {
				t.Errorf("an answer holds the secret %q:\n%.2000s", c, a)
			}
		}
		if strings.Contains(logs.String(), c) {
			t.Errorf("the daemon's log holds the secret %q", c)
		}
		for path, data := range stored {
			if strings.Contains(data, c) {
				t.Errorf("stored file %s holds the secret %q", path, c)
			}
		}
	}
}

// storedFiles reads every file under dir but the job logs (the step's
// own output) and the secret files themselves.
func storedFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.HasSuffix(p, ".log") || filepath.Base(p) == "read-token" {
			return err
		}
		data, err := os.ReadFile(p)
		out[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReloadChangesAccess reloads a configuration without the read token
// and with another allowed host: the token no longer reads runs, the
// host is answered; a configuration whose token cannot be read is
// refused and the running access kept.
func TestReloadChangesAccess(t *testing.T) {
	h, _ := guardedDaemon(t, "")
	const runs = "/api/v1/environments/dev/runs"
	if code, _ := h.request("GET", runs, canaryRead, "", nil); code != 200 {
		t.Fatalf("read token before the reload: %d", code)
	}
	text := configText(h.dir, gitserver.FileURL(h.bare), time.Hour)
	reload := func(extra string) error {
		cfg, err := config.Parse(filepath.Join(h.dir, "daemon.yaml"), []byte(strings.Replace(text, "apiToken:", extra+"apiToken:", 1)))
		if err != nil {
			t.Fatal(err)
		}
		return h.d.Reload(context.Background(), cfg)
	}
	if err := reload("readTokens: [{env: SLUICE_TEST_UNSET_TOKEN}]\n"); err == nil {
		t.Fatal("a read token that cannot be read was accepted")
	}
	if code, _ := h.request("GET", runs, canaryRead, "", nil); code != 200 {
		t.Errorf("read token after a refused reload: %d, want 200", code)
	}
	if err := reload("http: {allowedHosts: [sluice.test]}\n"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		token, host string
		status      int
	}{{canaryRead, "", 401}, {testToken, "sluice.test:443", 200}, {testToken, "other.test", 421}} {
		if code, body := h.request("GET", runs, tc.token, tc.host, nil); code != tc.status {
			t.Errorf("after the reload, token %.6s… Host %q: %d %s, want %d", tc.token, tc.host, code, body, tc.status)
		}
	}
}
