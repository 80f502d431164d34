package local_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

// needSandbox skips a test when bubblewrap cannot run here, unless
// SLUICE_REQUIRE_SANDBOX=1 (CI) makes that a failure.
func needSandbox(t *testing.T) {
	t.Helper()
	err := exec.Command("bwrap", "--unshare-user", "--unshare-pid", "--ro-bind", "/", "/", "--", "true").Run()
	if err == nil {
		return
	}
	if os.Getenv("SLUICE_REQUIRE_SANDBOX") == "1" {
		t.Fatalf("bubblewrap cannot run here: %v", err)
	}
	t.Skipf("bubblewrap cannot run here (%v): the step sandbox is not tested", err)
}

// canaries are secrets a daemon holds, each in a place a step must not
// reach.
type canaries struct {
	token, webhook, state, envVar, prodBucket, otherWorld, otherLog string
	// paths are the files holding them.
	paths []string
}

// plant writes the canaries: a token and a webhook secret file, a state
// file, a variable of the daemon's (the test's) environment, a file in
// a bucket of prod in w, a file of another world and another job's log.
func plant(t *testing.T, w *local.World) canaries {
	t.Helper()
	c := canaries{token: "CANARY-TOKEN-5f1e", webhook: "CANARY-HOOK-77aa", state: "CANARY-STATE-0c3d", envVar: "CANARY-ENV-91b2",
		prodBucket: "CANARY-PROD-e40f", otherWorld: "CANARY-OTHER-3a9c", otherLog: "CANARY-LOG-b7d1"}
	secrets := t.TempDir()
	prod := target(sluice.TypeBucket, "prod-artifacts", "churn-prod-artifacts", bucketSpec)
	prod.Tags[sluice.TagEnvironment] = "prod"
	mustCreate(t, backend(t, w, sluice.TypeBucket), prod)
	other := mustWorld(t, local.Options{})
	files := map[string]string{
		filepath.Join(secrets, "api-token"):                   c.token,
		filepath.Join(secrets, "github-secret"):               c.webhook,
		filepath.Join(secrets, "state.db"):                    c.state,
		filepath.Join(w.BucketDir(prod.Name), "model.bin"):    c.prodBucket,
		filepath.Join(other.BucketDir("b"), "data.csv"):       c.otherWorld,
		filepath.Join(w.Dir(), "jobs", "other-job.log"):       c.otherLog,
		filepath.Join(w.Dir(), "records", "note-canary.json"): c.otherLog,
	}
	for path, body := range files {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		c.paths = append(c.paths, path)
	}
	t.Setenv("SLUICE_TEST_CANARY", c.envVar)
	t.Setenv("AWS_SECRET_ACCESS_KEY", c.envVar)
	return c
}

func (c canaries) all() []string {
	return []string{c.token, c.webhook, c.state, c.envVar, c.prodBucket, c.otherWorld, c.otherLog}
}

// thief is a step that tries every way to a canary: each file by its
// path, the environment of its parent and of every process it can see
// in /proc, its own environment, a search of the file system; it also
// tries to write the state file and prod's bucket; then it writes its
// own output, as a normal step does, and fails so that its log's tail
// lands in the failure's cause.
func thief(c canaries) []string {
	script := `for f in "$@"; do cat "$f"; done
cat /proc/$PPID/environ /proc/1/environ /proc/*/environ | tr '\0' '\n'
env
grep -rs CANARY /tmp /etc /root /var 2>/dev/null | head -20
echo tampered > "$1"; echo tampered > "$STATE"; echo tampered > "$PROD/model.bin"
mkdir -p "$SLUICE_OUTPUT" && echo '{"ok": true}' > "$SLUICE_OUTPUT/outputs.json" && echo wrote outputs
exit 4`
	return append([]string{"sh", "-c", script, "thief"}, c.paths...)
}

// TestSandboxKeepsSecretsIn runs the thief in the sandbox: no canary
// appears in its log, its failure's cause or its description; the files
// it tried to overwrite are unchanged; and it still wrote its outputs.
func TestSandboxKeepsSecretsIn(t *testing.T) {
	needSandbox(t)
	w := jobWorld(t, []string{"true"}, nil)
	c := plant(t, w)
	env := map[string]string{"SLUICE_OUTPUT": "s3://churn-dev-artifacts/run-1/thief", "STATE": c.paths[2],
		"PROD": w.BucketDir("churn-prod-artifacts")}
	_, err := w.RunTask(t.Context(), submit("churn-dev-step", thief(c), env))
	var f *asl.Failure
	if !errors.As(err, &f) || !strings.Contains(f.Cause, "exited with status 4") {
		t.Fatalf("error %v, want the thief's own exit status 4 (the sandbox must run it)", err)
	}
	logPath := strings.TrimSuffix(strings.SplitN(strings.SplitN(f.Cause, "log ", 2)[1], ":\n", 2)[0], ":")
	log := readFile(t, logPath)
	desc := readFile(t, strings.TrimSuffix(logPath, ".log")+".json")
	for _, canary := range c.all() {
		for what, text := range map[string]string{"log": log, "cause": f.Cause, "description": desc} {
			if strings.Contains(text, canary) {
				t.Errorf("canary %s in the step's %s:\n%s", canary, what, text)
			}
		}
	}
	for _, path := range c.paths {
		if b, _ := os.ReadFile(path); strings.Contains(string(b), "tampered") {
			t.Errorf("the step overwrote %s", path)
		}
	}
	if !strings.Contains(log, "wrote outputs") || !fileExists(filepath.Join(w.BucketDir("churn-dev-artifacts"), "run-1", "thief", "outputs.json")) {
		t.Errorf("the step did not write its outputs into its own bucket:\n%s", log)
	}
	if !strings.Contains(log, "HOME=/tmp") {
		t.Errorf("the step's environment lacks HOME=/tmp:\n%s", log)
	}
	outputs := filepath.Join(w.BucketDir("churn-dev-artifacts"), "run-1", "thief", "outputs.json")
	for path, want := range map[string]os.FileMode{logPath: 0o600, w.Dir(): 0o700, outputs: 0o600, filepath.Dir(outputs): 0o700} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, want)
		}
	}
}

// TestSandboxUnavailableFailsTheStep gives the World a bubblewrap that
// does not exist: the step fails saying why and what to do, and never
// runs unsandboxed.
func TestSandboxUnavailableFailsTheStep(t *testing.T) {
	w := mustWorld(t, local.Options{Workdir: t.TempDir(), Sandbox: local.Sandbox{Bwrap: filepath.Join(t.TempDir(), "no-bwrap")}})
	deployJob(t, w)
	marker := filepath.Join(w.BucketDir("churn-dev-artifacts"), "ran")
	_, err := w.RunTask(t.Context(), submit("churn-dev-step", []string{"touch", marker}, nil))
	var f *asl.Failure
	if !errors.As(err, &f) || f.Name != "States.TaskFailed" {
		t.Fatalf("error %v, want a States.TaskFailed failure", err)
	}
	for _, want := range []string{"sandbox cannot be set up", "no-bwrap", "bubblewrap", "local.sandbox.off"} {
		if !strings.Contains(f.Cause, want) {
			t.Errorf("cause lacks %q:\n%s", want, f.Cause)
		}
	}
	if fileExists(marker) {
		t.Error("the step ran although its sandbox could not be set up")
	}
}

// TestSandboxMissingReadOnlyPath names a ReadOnly path that does not
// exist: the step fails naming it.
func TestSandboxMissingReadOnlyPath(t *testing.T) {
	needSandbox(t)
	missing := filepath.Join(t.TempDir(), "no-such-toolchain")
	w := mustWorld(t, local.Options{Workdir: t.TempDir(), Sandbox: local.Sandbox{ReadOnly: []string{missing}}})
	deployJob(t, w)
	_, err := w.RunTask(t.Context(), submit("churn-dev-step", []string{"true"}, nil))
	var f *asl.Failure
	if !errors.As(err, &f) || !strings.Contains(f.Cause, "sandbox cannot be set up") || !strings.Contains(f.Cause, missing) {
		t.Fatalf("error %v, want a failure naming the sandbox and %s", err, missing)
	}
}

// TestSandboxOff runs a step unsandboxed, as a configuration that opts
// out asks: it runs, still with an environment built from nothing.
func TestSandboxOff(t *testing.T) {
	w := mustWorld(t, local.Options{Workdir: t.TempDir(), Sandbox: local.Sandbox{Off: true}})
	deployJob(t, w)
	t.Setenv("SLUICE_TEST_CANARY", "CANARY-ENV-OFF")
	out, err := w.RunTask(t.Context(), submit("churn-dev-step", []string{"sh", "-c", "env; echo unsandboxed"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	var d described
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	log := readFile(t, d.Container.LogStreamName)
	if !strings.Contains(log, "unsandboxed") || strings.Contains(log, "CANARY-ENV-OFF") {
		t.Errorf("unsandboxed step: log\n%s\nwant it to run without the daemon's environment", log)
	}
}

// deployJob creates jobWorld's resources in w.
func deployJob(t *testing.T, w *local.World) { deployJobB(t, w) }

// deployJobB is deployJob for tests and benchmarks.
func deployJobB(t testing.TB, w *local.World) {
	t.Helper()
	mustCreate(t, backend(t, w, sluice.TypeComputeEnvironment), target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
	mustCreate(t, backend(t, w, sluice.TypeJobQueue), target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec))
	mustCreate(t, backend(t, w, sluice.TypeJobDefinition), target(sluice.TypeJobDefinition, "step", "churn-dev-step", jobDefSpec([]string{"true"}, "1", nil)))
	mustCreate(t, backend(t, w, sluice.TypeBucket), target(sluice.TypeBucket, "artifacts", "churn-dev-artifacts", bucketSpec))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
