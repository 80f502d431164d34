package gitsource_test

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

var nestedFiles = map[string]string{
	"README.md":                "readme",
	"outside.yaml":             "o: 1\n",
	"ml/sluice.yaml":           "kind: Project\n",
	"ml/deploy/a.yaml":         "a: 1\n",
	"ml/deploy/sub/b.yml":      "b: 1\n",
	"ml/deploy/.git-crypt.yml": "hidden\n",
	"ml/deploy/.hidden/c.yaml": "hidden\n",
	"ml/deploy/link.yaml":      gitserver.Symlink("a.yaml"),
	"ml/deploy/chain.yaml":     gitserver.Symlink("link.yaml"),
	"ml/deploy/escape.yaml":    gitserver.Symlink("../../outside.yaml"),
	"ml/deploy/absolute.yaml":  gitserver.Symlink("/etc/passwd"),
	"ml/deploy/dangling.yaml":  gitserver.Symlink("missing.yaml"),
	"ml/deploy/loop.yaml":      gitserver.Symlink("loop.yaml"),
	"ml/deploy/folder.yaml":    gitserver.Symlink("sub"),
}

func TestSourceRootHiddenAndLinks(t *testing.T) {
	ctx := context.Background()
	bare := gitserver.NewRepo(t, nestedFiles, "main")
	src, _, err := gitsource.LocalSource(ctx, bare, "main", "/ml/")
	if err != nil {
		t.Fatal(err)
	}
	content, _ := readAll(t, src, "deploy")
	want := map[string]string{
		"deploy/a.yaml":        "a: 1\n",
		"deploy/sub/b.yml":     "b: 1\n",
		"deploy/link.yaml":     "a: 1\n",
		"deploy/chain.yaml":    "a: 1\n",
		"deploy/escape.yaml":   "problem: file.symlink",
		"deploy/absolute.yaml": "problem: file.symlink",
		"deploy/dangling.yaml": "problem: file.symlink",
		"deploy/loop.yaml":     "problem: file.symlink",
	}
	if !reflect.DeepEqual(content, want) {
		t.Errorf("List(deploy) =\n%v\nwant\n%v", content, want)
	}
	all, _ := readAll(t, src, "")
	if _, ok := all["sluice.yaml"]; !ok || len(all) != len(want)+1 {
		t.Errorf("List(\"\") = %v, want the project file and deploy's files", all)
	}

	tests := []struct {
		name    string
		want    string
		wantErr error
	}{
		{"sluice.yaml", "kind: Project\n", nil},
		{"deploy/link.yaml", "a: 1\n", nil},
		{"deploy/escape.yaml", "", fs.ErrNotExist},
		{"missing.yaml", "", fs.ErrNotExist},
		{"../outside.yaml", "", fs.ErrNotExist},
	}
	for _, tt := range tests {
		data, err := src.Read(ctx, tt.name)
		if string(data) != tt.want || !errors.Is(err, tt.wantErr) {
			t.Errorf("Read(%q) = %q, %v; want %q, %v", tt.name, data, err, tt.want, tt.wantErr)
		}
	}
}

func TestSourceRoots(t *testing.T) {
	ctx := context.Background()
	bare := gitserver.NewRepo(t, nestedFiles, "main")
	empty, _, err := gitsource.LocalSource(ctx, bare, "main", "moved-away")
	if err != nil {
		t.Fatalf("a root the commit lacks: %v", err)
	}
	if entries, err := empty.List(ctx, ""); err != nil || len(entries) != 0 {
		t.Errorf("List of a missing root = %v, %v; want nothing", entries, err)
	}
	if _, err := empty.Read(ctx, "sluice.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read in a missing root: %v, want fs.ErrNotExist", err)
	}
	for _, root := range []string{"..", "../x", "ml/../../x"} {
		if _, _, err := gitsource.LocalSource(ctx, bare, "main", root); sluice.KindOf(err) != sluice.KindInvalid {
			t.Errorf("root %q: err = %v, want invalid", root, err)
		}
	}
}

func TestSourceOfUnfetchedCommit(t *testing.T) {
	rem := newRemote(t, "file", baseFiles)
	r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	head := gitserver.Head(t, rem.bare, "main")
	if _, err := r.Source(context.Background(), head, ""); !errors.Is(err, gitsource.ErrNotFound) {
		t.Errorf("Source before Fetch: err = %v, want ErrNotFound", err)
	}
	mustFetch(t, r, "main")
	if _, err := r.Source(context.Background(), head, ""); err != nil {
		t.Errorf("Source after Fetch: %v", err)
	}
}
