package dsl

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
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
