package daemon_test

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/statestore"
)

// holdForms are broken versions of deploy/extra.yaml: files that cannot
// be read as documents, and documents whose identity cannot be
// established. Each must hold what the file produced.
var holdForms = []struct{ name, text string }{
	{"tab", "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n\tname: extra\n"},
	{"unclosed quote", "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n  name: \"extra\n"},
	{"non-UTF-8", "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n  name: extra\n  description: caf\xe9\n"},
	{"empty file", ""},
	{"a list", "- apiVersion: sluice.dev/v1\n- kind: Pipeline\n"},
	{"unknown kind", "apiVersion: sluice.dev/v1\nkind: Pipe\nmetadata:\n  name: extra\nspec: {}\n"},
	{"alias bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"},
	{"no name", strings.Replace(holdPipeline("extra", "solo", "extra"), "  name: extra\n", "", 1)},
	{"invalid name", holdPipeline("Training-b", "solo", "extra")},
	{"name of another pipeline", holdPipeline("training", "solo", "extra")},
}

// holdPipeline is a one-step pipeline named name on compute whose step
// prints what.
func holdPipeline(name, compute, what string) string {
	return `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: ` + name + `
spec:
  image: python:3.12
  artifactStore: artifacts
  compute: ` + compute + `
  steps:
    - name: hello
      command: [python3, -c, "print('` + what + `')"]
`
}

// soloCompute is a compute environment only the extra pipeline uses.
const soloCompute = `apiVersion: sluice.dev/v1
kind: ComputeEnvironment
metadata:
  name: solo
spec:
  type: FARGATE
  maxVcpus: 4
  subnets: [subnet-0123456789abcdef0]
`

// TestDaemonHoldsBrokenFiles commits each broken form of one pipeline's
// file together with a valid change to another pipeline, with pruning
// on, and checks that nothing the broken file produced changed, that the
// other change applied, and that the environment says it is holding and
// names the file with its finding. Then it removes the compute
// environment only the held pipeline uses and checks that its queue is
// kept while the pipeline's last-applied state machine refers to it.
func TestDaemonHoldsBrokenFiles(t *testing.T) {
	files := demoFiles(t)
	files["deploy/extra.yaml"] = holdPipeline("extra", "solo", "extra")
	files["deploy/solo.yaml"] = soloCompute
	files["deploy/other.yaml"] = holdPipeline("other", "cpu", "v0")
	bare := gitserver.NewRepo(t, files, "dev")
	dir := t.TempDir()
	h := startDaemon(t, dir, configText(dir, gitserver.FileURL(bare), time.Hour))
	first := gitserver.Head(t, bare, "dev")
	h.applied("dev", first, daemon.StateSynced)
	world := filepath.Join(dir, "world", "records")
	extra := worldFiles(t, world, "demo-dev-extra")
	if len(extra) < 2 {
		t.Fatalf("the extra pipeline left %d records in the local world, want its state machine and job definition", len(extra))
	}

	for i, form := range holdForms {
		what := fmt.Sprintf("v%d", i+1)
		rev := gitserver.Commit(t, bare, "dev", map[string]string{
			"deploy/extra.yaml": form.text, "deploy/other.yaml": holdPipeline("other", "cpu", what)}, form.name)
		h.webhook("dev", testSecret, "hold-"+what)
		s := h.applied("dev", rev, daemon.StateHolding)
		if why := s.Held["deploy/extra.yaml"]; !strings.HasPrefix(why, "deploy/extra.yaml:") {
			t.Errorf("%s: status names %v as held, want deploy/extra.yaml with its located finding", form.name, s.Held)
		}
		if !heldPipeline(s, "extra") {
			t.Errorf("%s: the held pipeline is not listed as held: %+v", form.name, s.Pipelines)
		}
		if got := worldFiles(t, world, "demo-dev-extra"); !sameFiles(got, extra) {
			t.Errorf("%s: the held pipeline's resources changed: %v, want %v", form.name, keys(got), keys(extra))
		}
		if !worldHas(t, world, "StateMachine", "demo-dev-other", "print('"+what+"')") {
			t.Errorf("%s: the other pipeline's change (%s) was not applied", form.name, what)
		}
		if page := pageText(t, h); !strings.Contains(page, "deploy/extra.yaml:") {
			t.Errorf("%s: the status page does not name the held file with its finding", form.name)
		}
		if n := heldGauge(t, h); n < 1 {
			t.Errorf("%s: sluice_held_documents is %v, want at least 1", form.name, n)
		}
		fixed := gitserver.Commit(t, bare, "dev", map[string]string{"deploy/extra.yaml": holdPipeline("extra", "solo", "extra")}, "fix")
		h.webhook("dev", testSecret, "fix-"+what)
		h.applied("dev", fixed, daemon.StateSynced)
	}

	// The compute environment only extra uses goes; extra is then
	// invalid and held, and its queue must stay.
	rev := gitserver.Commit(t, bare, "dev", map[string]string{"deploy/solo.yaml": gitserver.Delete,
		"deploy/other.yaml": holdPipeline("other", "cpu", "last")}, "drop solo")
	h.webhook("dev", testSecret, "drop-solo")
	s := h.applied("dev", rev, daemon.StateHolding)
	if why := s.Held["Pipeline/extra"]; !strings.Contains(why, "solo") {
		t.Errorf("status names %v as held, want Pipeline/extra with its finding about solo", s.Held)
	}
	for _, typ := range []string{"JobQueue", "ComputeEnvironment"} {
		if _, err := os.Stat(filepath.Join(world, typ, "demo-dev-solo.json")); err != nil {
			t.Errorf("the %s the held pipeline refers to was pruned: %v", typ, err)
		}
	}
	if !worldHas(t, world, "StateMachine", "demo-dev-other", "print('last')") {
		t.Errorf("the other pipeline's change was not applied along the held one")
	}
	holdStoreAndEmptyFolder(t, h, bare, files["deploy/stores.yaml"], world)
	h.stop()
	checkExtraRecords(t, filepath.Join(dir, "state.db"), first)
}

// holdStoreAndEmptyFolder deletes the name line of dev's artifact store
// (deletion policy delete in dev), then every document: neither deletes
// the bucket, and the environment says why it holds.
func holdStoreAndEmptyFolder(t *testing.T, h *harness, bare, stores, world string) {
	t.Helper()
	bucket := filepath.Join(world, "Bucket", "demo-dev-artifacts.json")
	noName := strings.Replace(stores, "  name: artifacts\n", "", 1)
	if noName == stores {
		t.Fatal("the stores file has no name line to delete")
	}
	rev := gitserver.Commit(t, bare, "dev", map[string]string{"deploy/stores.yaml": noName}, "store without a name")
	h.webhook("dev", testSecret, "store-no-name")
	s := h.applied("dev", rev, daemon.StateHolding)
	if why := s.Held["deploy/stores.yaml"]; !strings.HasPrefix(why, "deploy/stores.yaml:") {
		t.Errorf("status names %v as held, want deploy/stores.yaml with its finding", s.Held)
	}
	if _, err := os.Stat(bucket); err != nil {
		t.Errorf("the bucket of a store whose name line was deleted is gone: %v", err)
	}
	gone := map[string]string{}
	for _, f := range []string{"deploy/stores.yaml", "deploy/compute.yaml", "deploy/pipeline.yaml", "deploy/extra.yaml", "deploy/other.yaml"} {
		gone[f] = gitserver.Delete
	}
	rev = gitserver.Commit(t, bare, "dev", gone, "no documents")
	h.webhook("dev", testSecret, "no-documents")
	s = h.applied("dev", rev, daemon.StateHolding)
	if why := s.Held["deploy/"]; !strings.Contains(why, "empty") {
		t.Errorf("status names %v as held, want the empty documents folder", s.Held)
	}
	for _, f := range []string{bucket, filepath.Join(world, "StateMachine", "demo-dev-other.json")} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("an empty documents folder pruned %s: %v", filepath.Base(f), err)
		}
	}
}

// checkExtraRecords checks that the held pipeline's inventory records
// are still those its first revision applied, with their file.
func checkExtraRecords(t *testing.T, path, first string) {
	t.Helper()
	s, err := statestore.Open(path, statestore.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	err = s.View(func(tx *statestore.Tx) error {
		records, err := tx.Resources("dev")
		for _, r := range records {
			if r.Source != "Pipeline/extra" && r.Source != "ComputeEnvironment/solo" {
				continue
			}
			if r.Revision != first {
				t.Errorf("%s was last written by %.12s, want the first revision %.12s", r.ID, r.Revision, first)
			}
			if r.Source == "Pipeline/extra" && r.File != "deploy/extra.yaml" {
				t.Errorf("%s records file %q, want deploy/extra.yaml", r.ID, r.File)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// worldFiles reads the local world's records whose name starts with
// prefix, by path.
func worldFiles(t *testing.T, world, prefix string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(world, "*", prefix+"*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[p] = data
	}
	return out
}

func worldHas(t *testing.T, world, typ, prefix, text string) bool {
	t.Helper()
	for p, data := range worldFiles(t, world, prefix) {
		if filepath.Base(filepath.Dir(p)) == typ && bytes.Contains(data, []byte(text)) {
			return true
		}
	}
	return false
}

func sameFiles(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !bytes.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func keys(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, filepath.Base(k))
	}
	sort.Strings(out)
	return out
}

func heldPipeline(s daemon.Status, name string) bool {
	for _, p := range s.Pipelines {
		if p.Name == name && p.Held && p.Finding != "" {
			return true
		}
	}
	return false
}

// heldGauge reads sluice_held_documents for dev from the registry.
func heldGauge(t *testing.T, h *harness) float64 {
	t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "sluice_held_documents" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "environment" && l.GetValue() == "dev" {
					return m.GetGauge().GetValue()
				}
			}
		}
	}
	return -1
}

// pageText reads the status page.
func pageText(t *testing.T, h *harness) string {
	t.Helper()
	resp, err := http.Get(h.api.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return html.UnescapeString(string(data))
}
