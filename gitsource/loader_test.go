package gitsource_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/schema"
)

// countingSource counts the file contents a loader reads through List's
// entries.
type countingSource struct {
	project.Source
	reads atomic.Int64
}

func (c *countingSource) List(ctx context.Context, dir string) ([]project.Entry, error) {
	entries, err := c.Source.List(ctx, dir)
	for i := range entries {
		read := entries[i].Read
		entries[i].Read = func() ([]byte, error) { c.reads.Add(1); return read() }
	}
	return entries, err
}

// baseProject returns project/testdata/base below root "ml/".
func baseProject(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join("..", "project", "testdata", "base")
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files["ml/"+filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestLoaderRereadsOnlyChangedFiles(t *testing.T) {
	ctx := context.Background()
	files := baseProject(t)
	rem := newRemote(t, "http", files)
	r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	v, err := schema.New()
	if err != nil {
		t.Fatal(err)
	}
	loader, err := project.NewLoader(project.Options{Validator: v, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	load := func(hash string) (*project.Snapshot, int64) {
		t.Helper()
		tree, err := r.Source(ctx, hash, "ml")
		if err != nil {
			t.Fatal(err)
		}
		src := &countingSource{Source: tree}
		snap, err := loader.Load(ctx, src)
		if err != nil {
			t.Fatal(err)
		}
		return snap, src.reads.Load()
	}

	first, reads := load(mustFetch(t, r, "main")["main"].Hash)
	if !first.ProjectOK || len(first.Documents) == 0 || reads != 3 {
		t.Fatalf("first load: project ok %v, %d documents, %d reads; want the 3 files read: %v",
			first.ProjectOK, len(first.Documents), reads, first.Diagnostics)
	}
	good := files["ml/deploy/good.yaml"]
	gitserver.Commit(t, rem.bare, "main", map[string]string{
		"ml/deploy/good.yaml": strings.Replace(good, "0.1, 0.2", "0.1, 0.3", 1),
		"outside/x.yaml":      "not: part of the project\n",
	}, "tune good")
	second, reads := load(mustFetch(t, r, "main")["main"].Hash)
	if reads != 1 || len(second.Documents) != len(first.Documents) {
		t.Errorf("second load read %d files (want only the changed one), %d documents (want %d)",
			reads, len(second.Documents), len(first.Documents))
	}
}
