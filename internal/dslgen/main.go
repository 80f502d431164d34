package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice/schema"
)

// Where the generated files go, relative to the repository root.
const (
	referencePath = "docs/dsl.md"
	bundlePath    = "schema/kinds/" + schema.BundleFile
)

func main() { os.Exit(run()) }

func run() int {
	root := flag.String("root", ".", "repository root `DIR`")
	flag.Parse()
	if err := generate(*root); err != nil {
		fmt.Fprintln(os.Stderr, "dslgen:", err)
		return 1
	}
	return 0
}

// generate writes both generated files under root.
func generate(root string) error {
	files, err := generated()
	if err != nil {
		return err
	}
	for path, data := range files {
		full := filepath.Join(root, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// generated returns the content of every generated file, by path.
func generated() (map[string][]byte, error) {
	bundle, err := schema.Bundle()
	if err != nil {
		return nil, err
	}
	ref, err := reference()
	if err != nil {
		return nil, err
	}
	return map[string][]byte{referencePath: ref, bundlePath: bundle}, nil
}
