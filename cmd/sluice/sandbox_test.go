package main

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/internal/gitserver"
)

// thiefPipeline is a pipeline whose one step tries to read each of
// paths (printing READ-2-OK, a string its command does not hold, for
// one it can read), the environment of its parent and of its PID namespace's first
// process, and its own environment; then writes its outputs as a normal
// step does, and fails so that the tail of its log is the run's cause.
func thiefPipeline(paths ...string) string {
	script := fmt.Sprintf(`for f in %s; do cat "$f"; test -r "$f" && echo "READ-$((1+1))-OK $f"; done
tr '\0' '\n' < /proc/$PPID/environ; tr '\0' '\n' < /proc/1/environ; env
mkdir -p "$SLUICE_OUTPUT" && echo '{"stolen": "nothing"}' > "$SLUICE_OUTPUT/outputs.json" && echo wrote outputs
exit 4`, strings.Join(paths, " "))
	var b strings.Builder
	b.WriteString("apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: thief}\nspec:\n  steps:\n    - name: steal\n      command:\n        - sh\n        - -c\n        - |\n")
	for _, line := range strings.Split(script, "\n") {
		b.WriteString("          " + line + "\n")
	}
	return b.String()
}

// TestDaemonStepCannotReadSecrets runs the daemon on the local backend
// with canary secrets (its API token and webhook secret files, a
// variable of its environment, its state file, another world's
// bucket) and a pipeline whose step tries to read them all: no canary
// appears in the output of `sluice run`, in the run as the API serves
// it, or in any file of the world (job logs, execution records), and
// the step still wrote its outputs.
func TestDaemonStepCannotReadSecrets(t *testing.T) {
	dir := t.TempDir()
	canaries := map[string]string{"token": "CANARY-TOKEN-4c1d", "hook": "CANARY-HOOK-9e02", "env": "CANARY-ENV-77b3", "other": "CANARY-OTHER-1f5a"}
	secrets := map[string]string{
		filepath.Join(dir, "token"):                                      canaries["token"],
		filepath.Join(dir, "hook-secret"):                                canaries["hook"],
		filepath.Join(dir, "otherworld", "buckets", "prod-art", "model"): canaries["other"],
	}
	for path, body := range secrets {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	state := filepath.Join(dir, "state.db")
	targets := []string{filepath.Join(dir, "token"), filepath.Join(dir, "hook-secret"), state, filepath.Join(dir, "otherworld", "buckets", "prod-art", "model"), filepath.Join(dir, "daemon.yaml")}
	files := map[string]string{"sluice.yaml": crashProject, "deploy/infra.yaml": crashInfra, "deploy/pipelines.yaml": thiefPipeline(targets...)}
	bare := gitserver.NewRepo(t, files, "dev")
	config := filepath.Join(dir, "daemon.yaml")
	text := fmt.Sprintf(`listen: 127.0.0.1:0
stateFile: %s
apiToken: {file: %s}
repositories:
  - name: run
    url: %s
    webhooks:
      generic: {secret: {file: %s}}
    environments:
      - name: dev
        branch: dev
        backend: local
        local: {dir: %s}
`, state, filepath.Join(dir, "token"), gitserver.FileURL(bare), filepath.Join(dir, "hook-secret"), filepath.Join(dir, "world"))
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SLUICE_TEST_DAEMON_SECRET", canaries["env"])
	t.Setenv("AWS_SECRET_ACCESS_KEY", canaries["env"])
	_, server := startDaemonProcess(t, config)
	waitSynced(t, server, gitserver.Head(t, bare, "dev"), time.Minute)

	client := []string{"--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev", "--poll", "100ms"}
	code, out, errOut := runCLI(t, append([]string{"run", "thief", "--name", "heist"}, client...)...)
	if code != exitInvalid || !strings.Contains(out, "exited with status 4") {
		t.Fatalf("sluice run thief: exit %d, want 1 with the step's own exit status 4 (the sandbox must run it)\n%s\n%s", code, out, errOut)
	}
	seen := map[string]string{"sluice run": out + errOut, "GET runs": getRuns(t, server, canaries["token"])}
	_ = filepath.WalkDir(filepath.Join(dir, "world"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(path)
			seen[path] = string(b)
		}
		return nil
	})
	var log string
	for where, text := range seen {
		for name, canary := range canaries {
			if name != "token" || where != "GET runs" {
				if strings.Contains(text, canary) {
					t.Errorf("the %s canary is in %s", name, where)
				}
			}
		}
		if strings.Contains(text, "READ-2-OK") {
			t.Errorf("the step could read a file it must not (%s):\n%s", where, text)
		}
		if strings.HasSuffix(where, ".log") {
			log += text
		}
	}
	if !strings.Contains(log, "wrote outputs") || !strings.Contains(log, "HOME=/tmp") {
		t.Errorf("the step did not run in its sandbox and write its outputs; logs:\n%s", log)
	}
	if _, err := os.Stat(filepath.Join(dir, "world", "buckets", "crash-dev-artifacts", "thief", "heist", "steal", "outputs.json")); err != nil {
		t.Errorf("the step's outputs: %v", err)
	}
}

// getRuns returns the body of GET /api/v1/environments/dev/runs.
func getRuns(t *testing.T, server, token string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, server+"/api/v1/environments/dev/runs", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "heist") {
		t.Fatalf("GET runs: %s %q %v", resp.Status, b, err)
	}
	return string(b)
}
