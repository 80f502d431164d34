// Command benchrepo writes a generated repository of internal/benchrepo
// into a folder, to time the sluice binary on it by hand:
//
//	go run ./internal/benchrepo/cmd/benchrepo -n 1000 /tmp/bench
//	/usr/bin/time -v sluice validate --repo /tmp/bench
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice/internal/benchrepo"
)

func main() {
	n := flag.Int("n", 1000, "number of pipelines")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: benchrepo [-n N] DIR")
		os.Exit(2)
	}
	if err := write(flag.Arg(0), benchrepo.Files(*n)); err != nil {
		fmt.Fprintln(os.Stderr, "benchrepo:", err)
		os.Exit(1)
	}
}

func write(dir string, files map[string][]byte) error {
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
