package templates

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice/dsl"
)

// The embedded templates, one folder each. "all:" keeps the dot files
// (.gitignore) a scaffold needs.
//
//go:embed all:batch-prediction all:data-processing all:model-deployment all:training all:shared
var embedded embed.FS

const (
	// manifestFile describes a template; it is not part of the scaffold.
	manifestFile = "template.yaml"
	// pipelineFile holds the template's Pipeline document.
	pipelineFile = "deploy/pipeline.yaml"
)

// Info names a template and says what it is for.
type Info struct {
	// Name is what `sluice init --template` and spec.template.name take.
	Name string `json:"name"`
	// Description is one line saying what the pipeline does.
	Description string `json:"description"`
	// Pipeline is the metadata.name of the template's Pipeline document.
	Pipeline string `json:"pipeline"`
}

// Template is one embedded template: its description, the values it
// takes and its files.
type Template struct {
	Info
	// Values are the values a Pipeline referencing the template may give,
	// sorted by name.
	Values []Value `json:"values"`
	fsys   fs.FS
}

// manifest is the content of a template's template.yaml.
type manifest struct {
	Description string               `yaml:"description"`
	Values      map[string]valueDecl `yaml:"values"`
}

// List returns every embedded template, sorted by name. A template whose
// own files are broken is listed with the problem as its description.
func List() []Info {
	names := Names()
	out := make([]Info, 0, len(names))
	for _, name := range names {
		t, err := load(name)
		if err != nil {
			out = append(out, Info{Name: name, Description: "broken template: " + err.Error()})
			continue
		}
		out = append(out, t.Info)
	}
	return out
}

// Names returns the names of the embedded templates, sorted.
func Names() []string {
	entries, err := fs.ReadDir(embedded, ".")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != sharedDir {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// Get returns the template called name. An unknown name gives an *Error
// (CodeUnknownTemplate) listing the known ones; a template whose embedded
// files are broken gives a plain error.
func Get(name string) (Template, error) {
	known := Names()
	if !contains(known, name) {
		return Template{}, unknownTemplate(name, known)
	}
	return load(name)
}

func unknownTemplate(name string, known []string) *Error {
	msg := fmt.Sprintf("unknown template %q%s; the templates are %s",
		name, dsl.DidYouMean(name, known), joinAnd(known))
	if name == "" {
		msg = "a template needs a name, one of " + joinAnd(known)
	}
	return &Error{Code: CodeUnknownTemplate, Template: name, Message: msg}
}

// load reads a template's manifest and the name of its pipeline.
func load(name string) (Template, error) {
	sub, err := fs.Sub(embedded, name)
	if err != nil {
		return Template{}, fmt.Errorf("template %q: %w", name, err)
	}
	t := Template{Info: Info{Name: name}, fsys: sub}
	m, err := readManifest(sub)
	if err != nil {
		return Template{}, fmt.Errorf("template %q: %w", name, err)
	}
	t.Description = m.Description
	if t.Values, err = m.values(); err != nil {
		return Template{}, fmt.Errorf("template %q: %s: %w", name, manifestFile, err)
	}
	doc, err := t.pipelineDocument()
	if err != nil {
		return Template{}, err
	}
	t.Pipeline = doc.Name
	return t, nil
}

func readManifest(fsys fs.FS) (manifest, error) {
	var m manifest
	data, err := fs.ReadFile(fsys, manifestFile)
	if err != nil {
		return m, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("%s: %w", manifestFile, err)
	}
	if m.Description == "" {
		return m, fmt.Errorf("%s: description is empty", manifestFile)
	}
	return m, nil
}

// pipelineDocument parses the template's Pipeline document as written,
// placeholders and all.
func (t Template) pipelineDocument() (*dsl.Document, error) {
	data, err := fs.ReadFile(t.fsys, pipelineFile)
	if err != nil {
		return nil, fmt.Errorf("template %q: %w", t.Name, err)
	}
	f, diags := dsl.ParseFile(pipelineFile, data, dsl.DefaultLimits())
	if len(diags) > 0 {
		return nil, fmt.Errorf("template %q: %s", t.Name, diags[0])
	}
	var found []*dsl.Document
	for _, doc := range f.Documents {
		if doc.Kind == dsl.KindPipeline {
			found = append(found, doc)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("template %q: %s holds %d Pipeline documents, want 1", t.Name, pipelineFile, len(found))
	}
	return found[0], nil
}

// sharedDir holds the files every template's scaffold gets (the step
// helper library), kept once in the source tree.
const sharedDir = "shared"

// Files returns the template's files as stored, placeholders unreplaced,
// keyed by slash-separated path relative to the repository root, the
// shared files included. The manifest (template.yaml) and Python caches
// are left out. It fails only when the embedded files cannot be read.
func (t Template) Files() (map[string][]byte, error) {
	out := make(map[string][]byte)
	shared, err := fs.Sub(embedded, sharedDir)
	if err != nil {
		return nil, err
	}
	for _, fsys := range []fs.FS{shared, t.fsys} {
		if err := collect(fsys, out); err != nil {
			return nil, fmt.Errorf("template %q: %w", t.Name, err)
		}
	}
	return out, nil
}

// collect adds the files of fsys to out.
func collect(fsys fs.FS, out map[string][]byte) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "__pycache__":
			return fs.SkipDir
		case d.IsDir() || p == manifestFile || strings.HasSuffix(p, ".pyc"):
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		out[path.Clean(p)] = data
		return err
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
