package project_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/project"
)

// The corpus under testdata/broken holds one broken document per file,
// each with the exact findings expected in its header ("# want: LINE:COL
// CODE", or "# want: FILE:LINE:COL CODE" for a finding in another file).
// Each is added to a valid base repository; the test checks that the
// findings are exactly those, that every document they name is held in
// the environments they name, and that the base repository's own
// documents (a templated pipeline among them) are still valid everywhere:
// bad input holds only itself.
func TestBrokenCorpus(t *testing.T) {
	base := readTree(t, "testdata/base")
	cases, _ := filepath.Glob("testdata/broken/*.yaml")
	if len(cases) < 40 {
		t.Fatalf("corpus has %d cases, want at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(filepath.Base(c), func(t *testing.T) {
			data := mustRead(t, c)
			name := "deploy/" + filepath.Base(c)
			files := clone(base)
			files[name] = data
			snap := checkAll(t, project.NewMemory(files))
			assertFindings(t, snap.Diagnostics, wants(t, name, data))
			assertHeld(t, snap)
			for _, d := range snap.Documents {
				if _, fromBase := base[d.File]; !fromBase || namesFile(snap.Diagnostics, d.File) {
					continue
				}
				for _, env := range snap.Environments() {
					if snap.IsInvalid(d.ID(), env) {
						t.Errorf("%s is held in %s because of another file", d.ID(), env)
					}
				}
			}
		})
	}
}

// TestBrokenProjectCorpus replaces the project file: any finding there
// holds the whole repository.
func TestBrokenProjectCorpus(t *testing.T) {
	base := readTree(t, "testdata/base")
	cases, _ := filepath.Glob("testdata/broken-project/*.yaml")
	for _, c := range cases {
		t.Run(filepath.Base(c), func(t *testing.T) {
			data := mustRead(t, c)
			files := clone(base)
			files["sluice.yaml"] = data
			snap := checkAll(t, project.NewMemory(files))
			assertFindings(t, snap.Diagnostics, wants(t, "sluice.yaml", data))
			if snap.ProjectOK || snap.Project != nil {
				t.Error("a broken project file must hold the whole repository")
			}
		})
	}
}

func TestOversizedFile(t *testing.T) {
	files := clone(readTree(t, "testdata/base"))
	files["deploy/huge.yaml"] = append([]byte("# want: 1:1 file.too-large\n"), bytes.Repeat([]byte("# padding\n"), 120000)...)
	snap := checkAll(t, project.NewMemory(files))
	assertFindings(t, snap.Diagnostics, []string{"deploy/huge.yaml:1:1 file.too-large"})
	if len(snap.BrokenFiles) != 1 {
		t.Errorf("broken files %v, want the oversized one", snap.BrokenFiles)
	}
}

func TestSymlinkLeavingRepository(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, readTree(t, "testdata/base"))
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	if err := os.WriteFile(outside, []byte("apiVersion: sluice.dev/v1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "deploy", "escape.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("good.yaml", filepath.Join(root, "deploy", "alias.yaml")); err != nil {
		t.Fatal(err)
	}
	snap := checkAll(t, project.NewDir(root))
	assertFindings(t, snap.Diagnostics, []string{
		"deploy/escape.yaml:1:1 file.symlink",
		// The symlink inside the repository is followed: its document
		// is the same as good.yaml's, hence a duplicate on both.
		"deploy/alias.yaml:4:9 document.duplicate",
		"deploy/good.yaml:4:9 document.duplicate",
	})
}

// checkAll loads the repository and compiles every environment, as
// "sluice validate" does, adding the compiler's findings.
func checkAll(tb testing.TB, src project.Source) *project.Snapshot {
	tb.Helper()
	snap, err := newLoader(tb).Load(context.Background(), src)
	if err != nil {
		tb.Fatal(err)
	}
	snap.CheckEach(func(env string, docs []*dsl.Document) sluice.Diagnostics {
		_, ds := compile.Compile(compile.Input{Project: snap.Project, Documents: docs, Env: env, Revision: "r"})
		return ds
	})
	return snap
}

func assertFindings(t *testing.T, ds sluice.Diagnostics, want []string) {
	t.Helper()
	got := make([]string, 0, len(ds))
	seen := make(map[string]bool)
	for _, d := range ds {
		s := d.Pos.String() + " " + d.Code
		if !seen[s] {
			got = append(got, s)
			seen[s] = true
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n  got  %v\n  want %v\nfull:\n%v", got, want, ds)
	}
}

// assertHeld checks that every document a finding names is held where
// the finding applies.
func assertHeld(t *testing.T, snap *project.Snapshot) {
	t.Helper()
	for _, d := range snap.Diagnostics {
		if d.Document == "" {
			continue
		}
		envs := []string{d.Env}
		if d.Env == "" {
			envs = snap.Environments()
		}
		for _, env := range envs {
			for _, v := range snap.Valid(env) {
				if v.ID() == d.Document {
					t.Errorf("%s has finding %q but is deployable in %s", d.Document, d, env)
				}
			}
		}
	}
}

func wants(t *testing.T, file string, data []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		w, ok := strings.CutPrefix(sc.Text(), "# want: ")
		if !ok {
			continue
		}
		if w == "TODO" {
			t.Fatal("expected findings not written yet")
		}
		if strings.Count(strings.Fields(w)[0], ":") < 2 {
			w = file + ":" + w
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		out = []string{file + ":1:1 file.empty"}
	}
	return out
}

func namesFile(ds sluice.Diagnostics, file string) bool {
	for _, d := range ds {
		if d.Pos.File == file {
			return true
		}
	}
	return false
}

func readTree(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	files := make(map[string][]byte)
	err := filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = mustRead(tb, p)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func writeTree(tb testing.TB, root string, files map[string][]byte) {
	tb.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(path.Dir(filepath.ToSlash(full)), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func clone(m map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func mustRead(tb testing.TB, p string) []byte {
	tb.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
