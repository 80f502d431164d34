package dsl

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/sluice-dev/sluice/internal/benchrepo"
)

// slowValues reads data as ParseFile does without the fast reader: the
// plain values of its non-empty documents, or false when yaml.v3 or the
// converter refuses it or a root is not a mapping.
func slowValues(data []byte) ([]map[string]any, bool) {
	nodes, diag := splitDocuments("f.yaml", data)
	if diag != nil {
		return nil, false
	}
	budget := DefaultLimits().MaxAliasValues
	var out []map[string]any
	for _, n := range nodes {
		root := n.Content[0]
		if root.Kind != yaml.MappingNode {
			return nil, false
		}
		c := converter{path: "f.yaml", budget: &budget}
		v, _ := c.value(root, false).(map[string]any)
		if len(c.diags) > 0 {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

// fastAgrees reads data with the fast reader and reports whether it
// declined; when it accepted, it fails t unless yaml.v3 and the converter
// read exactly the same documents.
func fastAgrees(t testing.TB, name string, data []byte) (declined bool) {
	t.Helper()
	fast, ok := readFast(data)
	if !ok {
		return true
	}
	slow, slowOK := slowValues(data)
	if !slowOK {
		t.Errorf("%s: the fast reader accepts what yaml.v3 refuses:\n%s\nfast: %#v", name, data, fast)
		return false
	}
	if len(fast) != len(slow) || (len(fast) > 0 && !reflect.DeepEqual(fast, slow)) {
		t.Errorf("%s: the fast reader disagrees with yaml.v3:\n%s\nfast: %#v\nyaml: %#v", name, data, fast, slow)
	}
	return false
}

// readable prepares a file's bytes as ParseFile does before reading.
func readable(data []byte) ([]byte, bool) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	return data, utf8.Valid(data)
}

// TestFastReaderAgreesOnRepositoryYAML runs the fast reader on every YAML
// file of the repository (testdata, templates, broken corpus cases): it
// agrees with yaml.v3 or declines, and it reads every valid pipeline of
// the templates and of the generated benchmark repository itself.
func TestFastReaderAgreesOnRepositoryYAML(t *testing.T) {
	out, err := exec.Command("git", "-C", "..", "ls-files", "*.yaml", "*.yml").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	files := strings.Fields(string(out))
	if len(files) < 100 {
		t.Fatalf("found %d YAML files, want the repository's", len(files))
	}
	declined := 0
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		data, ok := readable(data)
		if !ok {
			continue
		}
		if fastAgrees(t, f, data) {
			declined++
			if strings.HasPrefix(f, "templates/") {
				t.Errorf("%s: the fast reader declines a template", f)
			}
		}
	}
	t.Logf("%d YAML files: the fast reader read %d, declined %d", len(files), len(files)-declined, declined)

	for name, data := range benchrepo.Files(50) {
		if fastAgrees(t, name, data) {
			t.Errorf("%s: the fast reader declines a generated pipeline", name)
		}
	}
}

// TestFastReaderAgreesOnMachineYAML runs the differential check over a
// list of files, one path a line, named by SLUICE_FASTYAML_LIST (for
// example every YAML file of this machine:
// find / -xdev -name '*.y*ml' 2>/dev/null > /tmp/list).
func TestFastReaderAgreesOnMachineYAML(t *testing.T) {
	list := os.Getenv("SLUICE_FASTYAML_LIST")
	if list == "" {
		t.Skip("set SLUICE_FASTYAML_LIST to a file listing YAML files")
	}
	paths, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	read, declined, refused := 0, 0, 0
	seen := make(map[string]bool)
	for _, p := range strings.Split(strings.TrimSpace(string(paths)), "\n") {
		data, err := os.ReadFile(p)
		if err != nil || len(data) > DefaultLimits().MaxFileBytes || seen[string(data)] {
			continue
		}
		seen[string(data)] = true
		data, ok := readable(data)
		if !ok {
			continue
		}
		if _, ok := slowValues(data); !ok {
			refused++
		}
		if fastAgrees(t, p, data) {
			declined++
		} else {
			read++
		}
	}
	t.Logf("%d distinct files: the fast reader read %d, declined %d; yaml.v3 and the converter refuse %d of them", len(seen), read, declined, refused)
}

// FuzzFastReaderAgreesWithYAML: whatever the input, when the fast reader
// accepts it, yaml.v3 and the converter accept it and read the same.
func FuzzFastReaderAgreesWithYAML(f *testing.F) {
	for _, c := range fastCases {
		f.Add([]byte(c.src))
	}
	if out, err := exec.Command("git", "-C", "..", "ls-files", "*.yaml", "*.yml").Output(); err == nil {
		for _, p := range strings.Fields(string(out)) {
			if data, err := os.ReadFile(filepath.Join("..", p)); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add(benchrepo.Pipeline(3, 0))
	f.Fuzz(func(t *testing.T, data []byte) {
		fastAgrees(t, "input", data)
	})
}

// TestFastReadDocumentsPlaceLikeYAML parses files of several documents
// with ParseFile (the fast reader) and with yaml.v3: the fast documents
// hold no node tree until a position is asked for, then place every path
// of their values where the yaml.v3 documents do.
func TestFastReadDocumentsPlaceLikeYAML(t *testing.T) {
	files := map[string][]byte{
		"deploy/p.yaml": benchrepo.Pipeline(4, 1),
		"deploy/infra.yaml": []byte(benchrepo.Infra + "---\n# between\n---\n" +
			"apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: x}\nspec:\n  steps:\n  - name: a\n    command: [\"1\", '2']\n"),
	}
	for name, data := range files {
		f, ds := ParseFile(name, data, DefaultLimits())
		if len(ds) > 0 {
			t.Fatal(ds)
		}
		nodes, diag := splitDocuments(name, data)
		if diag != nil || len(nodes) != len(f.Documents) {
			t.Fatalf("%s: yaml.v3 reads %d documents (%v), the fast reader %d", name, len(nodes), diag, len(f.Documents))
		}
		for i, d := range f.Documents {
			if d.node.Load() != nil {
				t.Fatalf("%s: document %d was read with a node tree", name, i)
			}
			budget := DefaultLimits().MaxAliasValues
			want, ds := newDocument(name, nodes[i], &budget, &source{data: data, budget: budget}, i)
			if len(ds) > 0 {
				t.Fatal(ds)
			}
			paths := 0
			walkPaths(d.Value(), nil, func(p []string) {
				paths++
				if got, w := d.Locate(p...), want.Locate(p...); got != w {
					t.Errorf("%s %v: Locate %v, yaml.v3 %v", name, p, got, w)
				}
				if got, w := d.LocateKey(p...), want.LocateKey(p...); got != w {
					t.Errorf("%s %v: LocateKey %v, yaml.v3 %v", name, p, got, w)
				}
				if got, w := d.KeyTag(p...), want.KeyTag(p...); got != w {
					t.Errorf("%s %v: KeyTag %q, yaml.v3 %q", name, p, got, w)
				}
			})
			if paths < 5 || d.Pos() != want.Pos() {
				t.Errorf("%s document %d: %d paths, Pos %v, yaml.v3 %v", name, i, paths, d.Pos(), want.Pos())
			}
		}
	}
}

// walkPaths calls fn with the path of every value under v.
func walkPaths(v any, path []string, fn func([]string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, c := range v {
			p := append(append([]string(nil), path...), k)
			fn(p)
			walkPaths(c, p, fn)
		}
	case []any:
		for i, c := range v {
			p := append(append([]string(nil), path...), strconv.Itoa(i))
			fn(p)
			walkPaths(c, p, fn)
		}
	}
}
