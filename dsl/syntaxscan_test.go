package dsl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// syntaxBase is a valid pipeline; each syntaxCase breaks one line of it.
const syntaxBase = `apiVersion: sluice.dev/v1
kind: Pipeline
metadata:
  name: churn
  labels:
    team: ml
spec:
  image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ml:1.0
  parameters:
    epochs: {type: integer, default: 10}
    region: {type: string, default: eu-west-1}
  steps:
    - name: load
      command: [python, -m, load]
      next: train
    - name: train
      command: [python, -m, train, --epochs, "10"]
      resources:
        cpu: 4
        memory: 16Gi
      next: evaluate
    - name: evaluate
      command: [python, -m, evaluate]
      env:
        MODE: full
        LEVEL: "3"
      next: publish
    - name: publish
      command: [python, -m, publish]
`

// syntaxCase replaces line (1-based) of syntaxBase with text; the mistake
// is where text holds "¦" (removed), where a person points at it.
type syntaxCase struct {
	name string
	line int
	text string
}

var syntaxCases = []syntaxCase{
	{"tab indentation, mapping", 4, "¦\tname: churn"},
	{"tab indentation, deep", 19, "  ¦\t  cpu: 4"},
	{"tab indentation, list item", 22, "¦\t- name: evaluate"},
	{"tab indentation, last line", 30, "      ¦\tcommand: [python, -m, publish]"},
	{"bad indentation, one more", 20, "         ¦memory: 16Gi"},
	{"bad indentation, one less", 20, "       ¦memory: 16Gi"},
	{"bad indentation, key under list", 17, "       ¦command: [python, -m, train]"},
	{"bad indentation, top key", 7, " ¦spec:"},
	{"unclosed double quote", 4, `  name: ¦"churn`},
	{"unclosed double quote, late", 26, `        LEVEL: ¦"3`},
	{"unclosed single quote", 4, `  name: ¦'churn`},
	{"unclosed single quote, late", 26, `        LEVEL: ¦'3`},
	{"unclosed flow sequence", 14, "      command: ¦[python, -m, load"},
	{"unclosed flow sequence, last", 30, "      command: ¦[python, -m, publish"},
	{"unclosed flow mapping", 10, "    epochs: ¦{type: integer, default: 10"},
	{"unclosed flow mapping, deep", 11, "    region: ¦{type: string, default: eu-west-1"},
	{"duplicate key", 21, "      ¦resources: {}"},
	{"mapping in a scalar", 8, "  image: ml¦: latest"},
	{"list item in a mapping", 5, "  ¦- labels"},
	{"key in a list", 16, "    ¦name: train"},
	{"mismatched brackets", 10, "    epochs: {type: integer, default: ¦[10}"},
}

// TestSyntaxErrorPositions checks that each broken file's finding is at
// the character at fault. yaml.v3 alone placed 7 of these 21 right,
// goccy/go-yaml 12.
func TestSyntaxErrorPositions(t *testing.T) {
	for _, c := range syntaxCases {
		t.Run(c.name, func(t *testing.T) {
			lines := strings.Split(syntaxBase, "\n")
			col := strings.Index(c.text, "¦")
			lines[c.line-1] = strings.Replace(c.text, "¦", "", 1)
			want := fmt.Sprintf("f.yaml:%d:%d", c.line, len([]rune(c.text[:col]))+1)
			_, ds := ParseFile("f.yaml", []byte(strings.Join(lines, "\n")), DefaultLimits())
			if len(ds) != 1 || ds[0].Pos.String() != want {
				t.Fatalf("got %v, want one finding at %s", ds, want)
			}
			t.Log(ds[0])
		})
	}
}

// TestLocateMistakeFindsNothingInValidYAML runs the scanner over every
// YAML file of the repository that yaml.v3 reads: it must find no
// mistake in any, or it would misplace the errors of a broken file.
func TestLocateMistakeFindsNothingInValidYAML(t *testing.T) {
	n := 0
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || !parsesWhole(data) {
			return err
		}
		n++
		if m, found := locateMistake(data); found {
			t.Errorf("%s:%d:%d: %s, in a file yaml.v3 reads", p, m.line, m.col, m.msg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("only %d valid YAML files checked", n)
	}
	t.Logf("%d valid YAML files", n)
}

func parsesWhole(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// BenchmarkLocateMistake scans a 3,000-line file whose mistake is on its
// last line: the cost a broken file adds, once, to its finding.
func BenchmarkLocateMistake(b *testing.B) {
	data := []byte(strings.Repeat(syntaxBase+"---\n", 100) + "a: [b\n")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := locateMistake(data); !ok {
			b.Fatal("no mistake found")
		}
	}
}

// FuzzLocateMistake: the scanner never panics, and a mistake it reports
// lies inside the file.
func FuzzLocateMistake(f *testing.F) {
	f.Add([]byte(syntaxBase))
	for _, c := range syntaxCases {
		f.Add([]byte(strings.Replace(syntaxBase, "\n", "\n"+strings.Replace(c.text, "¦", "", 1)+"\n", c.line)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, ok := locateMistake(data)
		if !ok {
			return
		}
		lines := bytes.Split(data, []byte("\n"))
		if m.line < 1 || m.line > len(lines) || m.col < 1 || m.col > len(lines[m.line-1])+1 || m.msg == "" {
			t.Fatalf("mistake %+v outside the file", m)
		}
	})
}
