package compile_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGolden compiles every case under testdata for each of its
// environments and compares all resources with the golden file.
func TestGolden(t *testing.T) {
	for _, path := range cases(t) {
		r := readRepo(t, path)
		for _, env := range r.envs {
			name := strings.TrimSuffix(filepath.Base(path), ".yaml") + "." + env
			t.Run(name, func(t *testing.T) {
				res := mustCompile(t, r, env)
				golden(t, filepath.Join("testdata", name+".golden.json"), render(t, res))
			})
		}
	}
}
