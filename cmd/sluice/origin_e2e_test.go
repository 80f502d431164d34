package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/templates"
)

// modelRepo is the training template scaffolded as project "demo", with
// the batch-prediction template's pipeline and steps beside it (both
// templates share the artifact store and CPU compute) and no
// MetadataStore (the local backend makes databases only on a server).
func modelRepo(t *testing.T) map[string]string {
	t.Helper()
	train, predict := filepath.Join(t.TempDir(), "train"), filepath.Join(t.TempDir(), "predict")
	for dir, tpl := range map[string]string{train: "training", predict: "batch-prediction"} {
		if err := templates.Scaffold(tpl, dir, "demo"); err != nil {
			t.Fatal(err)
		}
	}
	files := readTree(t, train)
	for name, text := range readTree(t, predict) {
		if strings.HasPrefix(name, "steps/") {
			files[name] = text
		}
	}
	files["deploy/batch-prediction.yaml"] = readTree(t, predict)["deploy/pipeline.yaml"]
	var kept []string
	for _, doc := range strings.Split(files["deploy/stores.yaml"], "\n---\n") {
		if !strings.Contains(doc, "kind: MetadataStore") {
			kept = append(kept, doc)
		}
	}
	files["deploy/stores.yaml"] = strings.Join(kept, "\n---\n")
	return files
}

// readTree reads every file under dir by its slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestModelRunsEndToEnd goes through a daemon on the local backend: a
// training run registers a model; a batch-prediction run reads it
// through the step helper (model run:training/latest); lineage of the
// model names the training run; "artifacts get" fetches it and refuses
// it once the file no longer matches its recorded checksum; and a
// training run from evaluate with the first as origin runs evaluate and
// what follows only, its earlier steps reused and traced to the first
// run. (A failed run resumed from its failed step is
// TestRunsSurviveDaemonKill's testResumeRun.)
func TestModelRunsEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("the templates' steps need python3")
	}
	dir := t.TempDir()
	files := modelRepo(t)
	bare := gitserver.NewRepo(t, files, "dev")
	// The daemon's local backend runs steps in a working copy it is given.
	workdir := filepath.Join(dir, "checkout")
	for name, text := range files {
		p := filepath.Join(workdir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("run-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	world := filepath.Join(dir, "world")
	config := filepath.Join(dir, "daemon.yaml")
	text := fmt.Sprintf("listen: 127.0.0.1:0\nstateFile: %s\napiToken: {file: %s}\nrepositories:\n  - name: demo\n    url: %s\n    environments:\n"+
		"      - {name: dev, branch: dev, backend: local, local: {dir: %s, workdir: %s, sandbox: {off: %t}}}\n",
		filepath.Join(dir, "state.db"), filepath.Join(dir, "token"), gitserver.FileURL(bare), world, workdir, !sandboxWorks())
	if err := os.WriteFile(config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	_, server := startDaemonProcess(t, config)
	waitSynced(t, server, gitserver.Head(t, bare, "dev"), 2*time.Minute)
	client := []string{"--server", server, "--token-file", filepath.Join(dir, "token"), "--env", "dev"}
	cli := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, append(args, client...)...)
		if code != 0 {
			t.Fatalf("sluice %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	small := []string{"-p", "rows=600", "-p", "epochs=40", "-p", "learningRates=[0.3]", "--poll", "100ms"}
	cli(append([]string{"run", "training", "--name", "t1"}, small...)...)
	cli("run", "batch-prediction", "--name", "p1", "-p", "model=run:training/latest", "-p", "rows=300", "-p", "shardSize=300", "--poll", "100ms")

	if log := cli("logs", "p1", "load-model"); sandboxWorks() == strings.Contains(log, "unsandboxed") || !strings.Contains(log, "model of run latest of training") {
		t.Errorf("load-model's log (sandbox expected: %t):\n%s", sandboxWorks(), log)
	}
	model := "s3://demo-dev-artifacts/training/t1/register/model/model.json"
	if out := cli("lineage", model); !strings.Contains(out, "written by run t1 of training in dev, step register") {
		t.Errorf("lineage of the registered model:\n%s", out)
	}
	got := filepath.Join(dir, "model.json")
	cli("artifacts", "get", model, "-o", got)
	loaded := cli("artifacts", "get", "s3://demo-dev-artifacts/batch-prediction/p1/load-model/model.json")
	if want := readFileT(t, got); !jsonEqual(loaded, want) {
		t.Errorf("batch-prediction's load-model wrote\n%s\nwant the model training registered\n%s", loaded, want)
	}
	testFromOrigin(t, server, client, small)
	testChecksumRefused(t, world, model, client)
}

// testFromOrigin starts a training run from evaluate with t1 as origin
// and counts, in the run store, the steps that ran: evaluate and
// register; prepare, train and pick reused from t1, whose lineage their
// copies name. Bad requests are refused with what to do.
func testFromOrigin(t *testing.T, server string, client, small []string) {
	code, out, errOut := runCLI(t, append([]string{"run", "training", "--name", "t2", "--from", "evaluate", "--origin", "t1", "--poll", "100ms"}, client...)...)
	if code != 0 {
		t.Fatalf("run --from evaluate --origin t1: exit %d\n%s\n%s", code, out, errOut)
	}
	var t1, t2 sluice.RunDetail
	getJSON(t, server+"/api/v1/environments/dev/runs/t1", &t1)
	getJSON(t, server+"/api/v1/environments/dev/runs/t2", &t2)
	var ran, reused []string
	for _, a := range t2.Attempts {
		if a.OriginRun == t1.ID {
			reused = append(reused, a.Step)
		} else {
			ran = append(ran, a.Step)
		}
	}
	if strings.Join(ran, " ") != "evaluate register" || strings.Join(reused, " ") != "prepare train pick" {
		t.Errorf("run from evaluate: ran %v, reused %v; want evaluate and register run, prepare, train and pick reused", ran, reused)
	}
	if string(t2.Parameters) != string(t1.Parameters) || t2.Origin != t1.ID {
		t.Errorf("run from evaluate: origin %s, parameters %s; want t1's (%s)", t2.Origin, t2.Parameters, t1.Parameters)
	}
	var l sluice.Lineage
	getJSON(t, server+"/api/v1/environments/dev/lineage?uri=s3://demo-dev-artifacts/training/t2/pick/best-model.json", &l)
	if l.Run.Name != "t1" || len(l.Copies) != 1 {
		t.Errorf("lineage of a reused artifact: %+v; want t1's, through t2's copy", l)
	}
	code, out, errOut = runCLI(t, append([]string{"lineage", "s3://demo-dev-artifacts/training/t2/pick/best-model.json"}, client...)...)
	if code != 0 || !strings.Contains(out, "a copy made by run t2's reused step pick of\ns3://demo-dev-artifacts/training/t1/pick/best-model.json\n  written by run t1 of training") {
		t.Errorf("sluice lineage of a copy: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, out, errOut := runCLI(t, append([]string{"runs", "show", "t2"}, client...)...); code != 0 || !strings.Contains(out, "SUCCEEDED (reused: t1 attempt 1)") {
		t.Errorf("sluice runs show t2 does not say which steps were reused: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "evalute", "--origin", "t1"}, `did you mean "evaluate"`},
		{[]string{"--from", "evaluate", "--origin", "p1"}, "run p1 is a run of batch-prediction, not of training"},
		{[]string{"--from", "evaluate"}, "--from STEP and --origin RUN go together"},
	} {
		code, out, errOut := runCLI(t, append(append([]string{"run", "training"}, c.args...), client...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("run training %v: exit %d, want an error naming %q\n%s\n%s", c.args, code, c.want, out, errOut)
		}
	}
}

// testChecksumRefused changes the model's file behind the run store's
// back: "artifacts get" refuses it and writes nothing.
func testChecksumRefused(t *testing.T, world, model string, client []string) {
	path := filepath.Join(world, "buckets", "demo-dev-artifacts", "training", "t1", "register", "model", "model.json")
	if err := os.WriteFile(path, []byte(`{"tampered": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "model.json")
	code, out, errOut := runCLI(t, append([]string{"artifacts", "get", model, "-o", dst}, client...)...)
	if code == 0 || !strings.Contains(errOut, model+": checksum mismatch") {
		t.Errorf("artifacts get of a changed file: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Errorf("artifacts get wrote %s despite the checksum mismatch", dst)
	}
}

func readFileT(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// jsonEqual reports whether a and b hold the same JSON value.
func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// sandboxWorks reports whether bubblewrap can make a sandbox here, so
// that steps run in it as they do by default.
func sandboxWorks() bool {
	return exec.Command("bwrap", "--ro-bind", "/", "/", "true").Run() == nil
}
