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
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: nap}
spec:
  steps:
    - name: sleep
      command: [sleep, "300"]
---
apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: doze}
spec:
  steps:
    - name: sleep
      command: [sleep, "20"]
`

// TestRunsSurviveDaemonKill runs a pipeline through a daemon on the
// local backend, kills the daemon (SIGKILL), starts it again, and finds
// the run in the API with its revision, every parameter after defaults,
// its step's outputs and artifact, and its log.
func TestRunsSurviveDaemonKill(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"sluice.yaml": crashProject, "deploy/infra.yaml": crashInfra,
		"deploy/pipelines.yaml": trainPipeline + "---\n" + mendPipeline(filepath.Join(dir, "fixed"))}
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
	// A run in flight when the daemon is killed.
	if code, out, errOut := runCLI(t, append([]string{"run", "doze", "--name", "doze1", "--detach"}, client...)...); code != 0 {
		t.Fatalf("sluice run doze: exit %d\n%s\n%s", code, out, errOut)
	}
	waitRecorded(t, server, "doze1", func(r sluice.RunDetail) bool { return len(r.Attempts) == 1 && r.Attempts[0].Log != "" })
	_ = daemon.Process.Kill()
	_ = daemon.Wait()

	_, server = startDaemonProcess(t, config)
	doze := waitRecorded(t, server, "doze1", func(r sluice.RunDetail) bool { return r.Status != sluice.ExecutionRunning })
	if doze.Status != sluice.ExecutionAborted || !strings.Contains(doze.Cause, "stopped") || doze.Attempts[0].Status != sluice.ExecutionFailed {
		t.Errorf("a run in flight when the daemon was killed, after the restart: %+v", doze)
	}
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
	client = []string{"--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"logs", "r1", "fit"}, "fitted"},
		{[]string{"logs", "r1", "fit", "--follow"}, "fitted"},
		{[]string{"logs", "r1"}, "==> fit (attempt 1, SUCCEEDED) <==\n"},
		// A run the restarted daemon did not start: found in the run store.
		{[]string{"run", "--attach", "r1"}, "run r1 SUCCEEDED"},
		{[]string{"runs", "list", "--pipeline", "train"}, "r1   train     SUCCEEDED"},
		{[]string{"runs", "show", "r1"}, "model.pkl"},
		{[]string{"runs", "show", "r1", "--format", "json"}, `"revision": "` + head + `"`},
		{[]string{"artifacts", "r1", "fit"}, "s3://crash-dev-artifacts/train/r1/fit/model.pkl"},
		{[]string{"lineage", "s3://crash-dev-artifacts/train/r1/fit/model.pkl"}, "written by run r1 of train in dev, step fit attempt 1"},
	} {
		code, out, errOut := runCLI(t, append(c.args, client...)...)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("sluice %s: exit %d, want %q in\n%s\n%s", strings.Join(c.args, " "), code, c.want, out, errOut)
		}
	}
	testStopRun(t, server, client)
	testResumeRun(t, server, client, filepath.Join(dir, "fixed"))
}

// mendPipeline fails at its second step until the file marker exists.
func mendPipeline(marker string) string {
	return `apiVersion: sluice.dev/v1
kind: Pipeline
metadata: {name: mend}
spec:
  steps:
    - name: prepare
      command: [sh, -c, 'mkdir -p "$SLUICE_OUTPUT" && echo data > "$SLUICE_OUTPUT/data.txt"']
      next: check
    - name: check
      command: [sh, -c, 'test -e ` + marker + ` && cat "$SLUICE_ARTIFACTS/prepare/data.txt"']
`
}

// testResumeRun fails a run on purpose, fixes the cause, resumes it and
// finds the new run succeeded with prepare reused and check run again.
func testResumeRun(t *testing.T, server string, client []string, marker string) {
	if code, out, errOut := runCLI(t, append([]string{"run", "mend", "--name", "m1", "--poll", "100ms"}, client...)...); code == 0 {
		t.Fatalf("sluice run mend succeeded before the fix\n%s\n%s", out, errOut)
	}
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, append([]string{"runs", "resume", "m1", "--name", "m2"}, client...)...)
	if code != 0 || !strings.Contains(out, "Run m2 resumes m1") {
		t.Fatalf("sluice runs resume: exit %d\n%s\n%s", code, out, errOut)
	}
	var run sluice.RunDetail
	for deadline := time.Now().Add(time.Minute); run.Status != sluice.ExecutionSucceeded; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) || run.Status == sluice.ExecutionFailed {
			t.Fatalf("resumed run m2: %+v", run)
		}
		run = sluice.RunDetail{}
		getJSON(t, server+"/api/v1/environments/dev/runs/m2", &run)
	}
	if !strings.HasSuffix(run.Origin, ":m1") || len(run.Attempts) != 2 || !strings.Contains(run.Attempts[0].Cause, "reused") ||
		strings.Contains(run.Attempts[1].Cause, "reused") {
		t.Fatalf("resumed run m2: origin %s, attempts %+v; want prepare reused from m1 and check run", run.Origin, run.Attempts)
	}
}

// testStopRun starts a long run, waits for its step to be recorded
// running, stops it and waits for it to be recorded ABORTED.
func testStopRun(t *testing.T, server string, client []string) {
	if code, out, errOut := runCLI(t, append([]string{"run", "nap", "--name", "nap1", "--detach"}, client...)...); code != 0 {
		t.Fatalf("sluice run nap: exit %d\n%s\n%s", code, out, errOut)
	}
	waitRecorded(t, server, "nap1", func(r sluice.RunDetail) bool { return len(r.Attempts) == 1 && r.Attempts[0].Log != "" })
	if code, out, errOut := runCLI(t, append([]string{"runs", "stop", "nap1"}, client...)...); code != 0 || !strings.Contains(out, "Stop requested") {
		t.Fatalf("sluice runs stop: exit %d\n%s\n%s", code, out, errOut)
	}
	run := waitRecorded(t, server, "nap1", func(r sluice.RunDetail) bool { return r.Status == sluice.ExecutionAborted })
	if run.Attempts[0].Status != sluice.ExecutionFailed || run.Error != "Sluice.Stopped" {
		t.Fatalf("stopped run: %+v", run)
	}
}

// waitRecorded reads the recorded run name from the API until until
// holds, for up to a minute.
func waitRecorded(t *testing.T, server, name string, until func(sluice.RunDetail) bool) sluice.RunDetail {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		var run sluice.RunDetail
		getJSON(t, server+"/api/v1/environments/dev/runs/"+name, &run)
		if until(run) {
			return run
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s as recorded: %+v", name, run)
		}
		time.Sleep(50 * time.Millisecond)
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
