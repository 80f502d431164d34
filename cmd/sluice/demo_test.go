package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
)

// TestDemo runs `sluice demo --exit` end to end: the three environments
// deployed on the local backend, prod after an approval, the training
// pipeline run in dev as local processes, a change promoted from dev to
// staging. It checks the artifacts the run's steps handed to each other.
func TestDemo(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("the demo's steps need python3")
	}
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "demo", "--exit", "--dir", dir, "--listen", "127.0.0.1:0")
	if code != exitOK {
		t.Fatalf("sluice demo --exit: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"prod     synced", "approving it", "SUCCEEDED", "promoting it to staging", "staging  synced"} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, out)
		}
	}
	// With --exit the daemon is gone: its pages and commands are not advertised.
	if strings.Contains(out, "Status page:") || strings.Contains(out, "--server") || !strings.Contains(out, "The daemon has stopped (--exit)") {
		t.Errorf("demo --exit advertises a daemon it has stopped:\n%s", out)
	}
	m := regexp.MustCompile(`Run (\S+)'s artifacts: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the demo does not say where the run's artifacts are:\n%s", out)
	}
	var outputs map[string]any
	data, err := os.ReadFile(filepath.Join(m[2], "evaluate", "outputs.json"))
	if err != nil || json.Unmarshal(data, &outputs) != nil {
		t.Fatalf("the evaluate step's outputs are not where the demo says (%v):\n%s", err, out)
	}
	if q := outputs["quality"]; q != "pass" && q != "fail" {
		t.Errorf("evaluate's quality gate = %v, want pass or fail", q)
	}
	for _, step := range []string{"prepare", "pick"} {
		if _, err := os.Stat(filepath.Join(m[2], step)); err != nil {
			t.Errorf("step %s left no artifacts: %v", step, err)
		}
	}
	demoComesBack(t, dir, m[1])
}

// demoComesBack starts "sluice daemon" on the configuration the demo
// wrote into dir and finds the demo's training run in the API, with its
// revision and every parameter.
func demoComesBack(t *testing.T, dir, run string) {
	_, server := startDaemonProcess(t, filepath.Join(dir, "daemon.yaml"))
	token, err := os.ReadFile(filepath.Join(dir, "api-token"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SLUICE_TOKEN", strings.TrimSpace(string(token)))
	code, out, errOut := runCLI(t, "runs", "show", run, "--env", "dev", "--server", server, "--format", "json")
	var got sluice.RunDetail
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("sluice runs show %s after the demo: exit %d\n%s\n%s", run, code, out, errOut)
	}
	var params map[string]any
	_ = json.Unmarshal(got.Parameters, &params)
	if got.Pipeline != "training" || len(got.Revision) != 40 || len(params) == 0 || len(got.Attempts) == 0 || len(got.Artifacts) == 0 {
		t.Fatalf("the demo's run as the daemon serves it after the demo ended: %s", out)
	}
}
