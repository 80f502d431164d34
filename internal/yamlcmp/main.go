// Command yamlcmp measures YAML parsers that build less than yaml.v3's
// Node tree against it, on a folder of YAML files (a repository written
// by internal/benchrepo/cmd/benchrepo), and prints where each places the
// errors of a few broken files. With -mutate it breaks each file of a
// list once per kind of mistake and counts where yaml.v3, goccy/go-yaml
// and Sluice place the error. It is its own module so that Sluice does
// not depend on the parsers it compares:
//
//	go run ./internal/benchrepo/cmd/benchrepo /tmp/bench
//	cd internal/yamlcmp && go run . /tmp/bench
//	find / -xdev -name '*.y*ml' | go run . -mutate
package main

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

	goccy "github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"gopkg.in/yaml.v3"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "-mutate" {
		mutateMode(os.Stdin)
		return
	}
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: yamlcmp DIR | yamlcmp -mutate < LIST-OF-YAML-FILES")
		os.Exit(2)
	}
	files, err := readYAML(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "yamlcmp:", err)
		os.Exit(1)
	}
	size := 0
	for _, f := range files {
		size += len(f)
	}
	fmt.Printf("%d files, %.1f MB\n", len(files), float64(size)/1e6)
	for _, p := range []struct {
		name  string
		parse func([]byte) error
	}{
		{"yaml.v3 Node tree (what dsl builds)", nodeTree},
		{"goccy/go-yaml AST (parser.ParseBytes)", goccyAST},
		{"goccy/go-yaml to plain values (Unmarshal into any)", goccyPlain},
		{"yaml.v3 to plain values (Unmarshal into any)", v3Plain},
	} {
		for _, f := range files {
			if err := p.parse(f); err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", p.name, err)
				os.Exit(1)
			}
		}
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range files {
					_ = p.parse(f)
				}
			}
		})
		fmt.Printf("%-52s %8.1f ms %8.1f MB %9d allocs  (%d runs)\n", p.name,
			float64(r.NsPerOp())/1e6, float64(r.AllocedBytesPerOp())/1e6, r.AllocsPerOp(), r.N)
	}
	fmt.Println()
	positions()
}

func readYAML(dir string) ([][]byte, error) {
	var out [][]byte
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != dir {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".yaml") {
			b, err := os.ReadFile(p)
			out = append(out, b)
			return err
		}
		return nil
	})
	return out, err
}

func nodeTree(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func v3Plain(data []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var v any
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func goccyAST(data []byte) error {
	_, err := parser.ParseBytes(data, 0)
	return err
}

func goccyPlain(data []byte) error {
	dec := goccy.NewDecoder(bytes.NewReader(data))
	for {
		var v any
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// broken files and where a person would point at the mistake
// (line:column).
var broken = []struct{ name, src, want string }{
	{"unclosed flow list", "kind: Pipeline\nspec:\n  command: [python3, -m\n  next: b\n", "3:12"},
	{"bad indentation", "kind: Pipeline\nspec:\n  a: 1\n   b: 2\n", "4:4"},
	{"tab indentation", "kind: Pipeline\nspec:\n\tsteps: []\n", "3:1"},
	{"unclosed quote", "kind: Pipeline\nmetadata:\n  name: \"train\nspec: {}\n", "3:9"},
	{"mapping in a scalar", "kind: Pipeline\nspec:\n  image: a: b\n", "3:11"},
	{"list item in a mapping", "kind: Pipeline\nspec:\n  a: 1\n  - b\n", "4:3"},
	{"duplicate key", "kind: Pipeline\nspec: {}\nspec: {}\n", "3:1"},
}

func positions() {
	fmt.Printf("%-24s %-6s %-40s %s\n", "broken file", "want", "yaml.v3", "goccy/go-yaml")
	for _, c := range broken {
		v3 := "accepted"
		if err := nodeTree([]byte(c.src)); err != nil {
			v3 = err.Error()
		}
		gc := "accepted"
		if _, err := parser.ParseBytes([]byte(c.src), 0); err != nil {
			var se *goccy.SyntaxError
			if errors.As(err, &se) && se.Token != nil {
				gc = fmt.Sprintf("%d:%d %s", se.Token.Position.Line, se.Token.Position.Column, se.Message)
			} else {
				gc = strings.SplitN(err.Error(), "\n", 2)[0]
			}
		}
		fmt.Printf("%-24s %-6s %-40.40s %.60s\n", c.name, c.want, v3, gc)
	}
}

// goccyPosition is where goccy/go-yaml places the error of data, or 0, 0.
func goccyPosition(data []byte) (int, int) {
	_, err := parser.ParseBytes(data, 0)
	var se *goccy.SyntaxError
	if err == nil || !errors.As(err, &se) || se.Token == nil {
		return 0, 0
	}
	return se.Token.Position.Line, se.Token.Position.Column
}
