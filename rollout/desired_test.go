package rollout_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/schema"
	"github.com/sluice-dev/sluice/templates"
)

// brokenForms are ways a file of documents goes wrong that must hold
// what the file produced: it cannot be read as documents, or it names a
// document whose identity cannot be established.
var brokenForms = map[string]string{
	"tab":            "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n\tname: extra\n",
	"unclosed quote": "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n  name: \"extra\n",
	"non-UTF-8":      "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata:\n  name: extra\n  description: caf\xe9\n",
	"empty file":     "",
	"a list":         "- apiVersion: sluice.dev/v1\n- kind: Pipeline\n",
	"unknown kind":   "apiVersion: sluice.dev/v1\nkind: Pipe\nmetadata:\n  name: extra\nspec: {}\n",
	"alias bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n" +
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n" +
		"e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
	"no name":      extraPipeline("", "python:3.12"),
	"invalid name": extraPipeline("Extra-b", "python:3.12"),
	"shared name":  extraPipeline("training", "python:3.12"),
}

func extraPipeline(name, image string) string {
	meta := "metadata:\n  description: extra\n"
	if name != "" {
		meta = "metadata:\n  name: " + name + "\n"
	}
	return "apiVersion: sluice.dev/v1\nkind: Pipeline\n" + meta + `spec:
  image: ` + image + `
  steps:
    - name: hello
      command: [python3, -c, "print('hello')"]
`
}

// trainingRepo returns the training template's files.
func trainingRepo(t *testing.T) map[string][]byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := templates.Scaffold("training", dir, "demo"); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func load(t *testing.T, files map[string][]byte) *project.Snapshot {
	t.Helper()
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	l, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := l.Load(t.Context(), project.NewMemory(files))
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestBrokenFileHoldsItsFile checks that each broken form holds its file,
// with a located finding, while the other documents still compile.
func TestBrokenFileHoldsItsFile(t *testing.T) {
	for name, text := range brokenForms {
		t.Run(name, func(t *testing.T) {
			files := trainingRepo(t)
			files["deploy/extra.yaml"] = []byte(text)
			d := rollout.Compile(load(t, files), "dev", "rev", nil)
			why, held := d.HeldFiles["deploy/extra.yaml"]
			if !held || !strings.HasPrefix(why, "deploy/extra.yaml:") {
				t.Fatalf("held files %v: want deploy/extra.yaml held with its located finding", d.HeldFiles)
			}
			if got := d.Holds()["deploy/extra.yaml"]; got != why {
				t.Errorf("Holds names deploy/extra.yaml with %q, want %q", got, why)
			}
			if !d.Holding() || !strings.Contains(d.HoldSummary(), "deploy/extra.yaml") {
				t.Errorf("summary %q does not name the held file", d.HoldSummary())
			}
			if name == "shared name" {
				// Both documents named Pipeline/training are in doubt.
				if _, ok := d.HeldFiles["deploy/pipeline.yaml"]; !ok {
					t.Errorf("held files %v: want the other file of the shared name held too", d.HeldFiles)
				}
				return
			}
			if !hasResource(d, "StateMachine/training") {
				t.Errorf("the valid pipeline did not compile along the broken file")
			}
		})
	}
}

// TestInvalidDocumentHoldsOnlyItself checks that a document whose
// identity is sound but whose spec is invalid holds the document, not
// its file.
func TestInvalidDocumentHoldsOnlyItself(t *testing.T) {
	files := trainingRepo(t)
	files["deploy/extra.yaml"] = []byte(extraPipeline("extra", "") + "  nonsense: 1\n")
	d := rollout.Compile(load(t, files), "dev", "rev", nil)
	if len(d.HeldFiles) != 0 || !d.Held["Pipeline/extra"] {
		t.Errorf("held files %v, documents %v: want Pipeline/extra held, no file", d.HeldFiles, d.Held)
	}
	if why := d.Holds()["Pipeline/extra"]; !strings.HasPrefix(why, "deploy/extra.yaml:") {
		t.Errorf("Holds names Pipeline/extra with %q, want its located finding", why)
	}
}

// TestEmptyDesiredSetIsReported checks that a folder with no document,
// or none at all, is a hold, never a silent success.
func TestEmptyDesiredSetIsReported(t *testing.T) {
	for name, drop := range map[string]string{"empty folder": "deploy/", "no folder": "deploy"} {
		t.Run(name, func(t *testing.T) {
			files := trainingRepo(t)
			for p := range files {
				if strings.HasPrefix(p, "deploy/") {
					delete(files, p)
				}
			}
			if drop == "deploy/" {
				files["deploy/README.md"] = []byte("nothing here yet\n")
			}
			d := rollout.Compile(load(t, files), "dev", "rev", nil)
			if why := d.Holds()["deploy/"]; !strings.Contains(why, "empty") {
				t.Errorf("holds %v: want the empty desired set reported against deploy/", d.Holds())
			}
		})
	}
}

func hasResource(d *rollout.Desired, id string) bool {
	for _, r := range d.Resources {
		if string(r.ID) == id {
			return true
		}
	}
	return false
}
