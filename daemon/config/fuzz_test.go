package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/daemon/config"
)

// FuzzParse checks that any input either parses or fails with located
// findings, and never panics.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse("fuzz.yaml", data)
		var cerr *config.Error
		switch {
		case err == nil && cfg == nil:
			t.Fatal("Parse returned neither a configuration nor an error")
		case err != nil && !errors.As(err, &cerr):
			t.Fatalf("Parse error %T is not an *config.Error: %v", err, err)
		case err != nil && len(cerr.Findings) == 0:
			t.Fatal("an *config.Error without findings")
		case err == nil:
			_ = cfg.Hash()
		}
	})
}
