package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

const trainPipeline = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: train}
spec:
  parameters:
    epochs: {type: integer, default: 3}
    lr: {type: number, default: 0.1}
  steps:
    - name: fit
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT" && echo model > "$SLUICE_OUTPUT/model.pkl" && echo "{\"accuracy\": 0.9}" > "$SLUICE_OUTPUT/outputs.json" && echo fitted']
`

// TestRunsSurviveDaemonKill runs a pipeline through a daemon on the
// local backend, kills the daemon (SIGKILL), starts it again, and finds
// the run in the API with its revision, every parameter after defaults,
// its step's outputs and artifact, and its log.
func TestRunsSurviveDaemonKill(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"sluice.yaml": crashProject, "deploy/infra.yaml": crashInfra, "deploy/pipelines.yaml": trainPipeline}
	bare := gitserver.NewRepo(t, files, "dev")
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("run-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "daemon.yaml")
	text := fmt.Sprintf("listen: 127.0.0.1:0\nstateFile: %s\napiToken: {file: %s}\nrepositories:\n  - name: run\n    url: %s\n    environments:\n"+
		"      - {name: dev, branch: dev, backend: local, local: {dir: %s, sandbox: {off: true}}}\n",
		filepath.Join(dir, "state.db"), filepath.Join(dir, "token"), gitserver.FileURL(bare), filepath.Join(dir, "world"))
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	head := gitserver.Head(t, bare, "dev")
	daemon, server := startDaemonProcess(t, config)
	waitSynced(t, server, head, time.Minute)
	client := []string{"--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev", "--poll", "100ms"}
	if code, out, errOut := runCLI(t, append([]string{"run", "train", "--name", "r1", "-p", "lr=0.5"}, client...)...); code != 0 {
		t.Fatalf("sluice run: exit %d\n%s\n%s", code, out, errOut)
	}
	_ = daemon.Process.Kill()
	_ = daemon.Wait()

	_, server = startDaemonProcess(t, config)
	var run sluice.RunDetail
	getJSON(t, server+"/api/v1/environments/dev/runs/r1", &run)
	var params map[string]any
	_ = json.Unmarshal(run.Parameters, &params)
	if run.Status != sluice.ExecutionSucceeded || run.Revision != head || run.Pipeline != "train" ||
		params["epochs"] != float64(3) || params["lr"] != 0.5 {
		t.Fatalf("after a restart, run r1: %+v (parameters %s); want SUCCEEDED at %s with epochs 3 and lr 0.5", run.RunRecord, run.Parameters, head)
	}
	var outputs map[string]any
	if len(run.Attempts) == 1 {
		_ = json.Unmarshal(run.Attempts[0].Outputs, &outputs)
	}
	if outputs["accuracy"] != 0.9 || len(run.Artifacts) != 2 {
		t.Fatalf("attempts %+v, artifacts %+v; want fit with its outputs, model.pkl and outputs.json", run.Attempts, run.Artifacts)
	}
	var list []sluice.RunRecord
	getJSON(t, server+"/api/v1/environments/dev/runs?pipeline=train", &list)
	if len(list) != 1 || list[0].Name != "r1" {
		t.Fatalf("runs listed after a restart: %+v", list)
	}
	code, out, errOut := runCLI(t, "logs", "r1", "fit", "--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev")
	if code != 0 || !strings.Contains(out, "fitted") {
		t.Fatalf("sluice logs r1 fit: exit %d\n%s\n%s", code, out, errOut)
	}
}

// getJSON decodes the answer to GET url with the test's API token.
func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer run-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
