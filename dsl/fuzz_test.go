package dsl_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
)

// FuzzParseFile feeds arbitrary bytes to the parser: it must never panic,
// and must return either documents or findings, never both, never neither.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(overridden))
	f.Add([]byte(aliasBomb()))
	seeds, _ := filepath.Glob("../project/testdata/*/*.yaml")
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, diags := dsl.ParseFile("f.yaml", data, dsl.DefaultLimits())
		if (file == nil) == (len(diags) == 0) {
			t.Fatalf("file=%v diags=%v: want exactly one of them", file, diags)
		}
		if file == nil {
			return
		}
		for _, d := range file.Documents {
			for _, env := range append(d.OverrideEnvs(), "") {
				m := d.Merged(env)
				_ = d.LocateIn(env, true, "spec", "steps", "0", "name")
				_ = m
			}
		}
	})
}
