package gitsource_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

func TestLocalSource(t *testing.T) {
	ctx := context.Background()
	bare := gitserver.NewRepo(t, baseFiles, "main")
	gitserver.Branch(t, bare, "main", "dev")
	devHead := gitserver.Commit(t, bare, "dev", map[string]string{"deploy/a.yaml": "a: dev\n"}, "on dev")
	mainHead := gitserver.Head(t, bare, "main")
	tests := []struct {
		ref      string
		wantHash string
		wantA    string
	}{
		{"dev", devHead, "a: dev\n"},
		{"main", mainHead, "a: 1\n"},
		{"refs/heads/dev", devHead, "a: dev\n"},
		{mainHead, mainHead, "a: 1\n"},
	}
	for _, tt := range tests {
		src, hash, err := gitsource.LocalSource(ctx, bare, tt.ref, "deploy")
		if err != nil {
			t.Fatalf("LocalSource(%q): %v", tt.ref, err)
		}
		data, err := src.Read(ctx, "a.yaml")
		if hash != tt.wantHash || src.Commit() != hash || err != nil || string(data) != tt.wantA {
			t.Errorf("LocalSource(%q) = %s reading %q, %v; want %s reading %q", tt.ref, hash, data, err, tt.wantHash, tt.wantA)
		}
	}
	for _, bad := range []string{"nope", "0123456789012345678901234567890123456789"} {
		if _, _, err := gitsource.LocalSource(ctx, bare, bad, ""); !errors.Is(err, gitsource.ErrNotFound) {
			t.Errorf("LocalSource(%q): err = %v, want ErrNotFound", bad, err)
		}
	}
	if _, _, err := gitsource.LocalSource(ctx, t.TempDir(), "main", ""); !errors.Is(err, gitsource.ErrNotFound) {
		t.Errorf("LocalSource outside a repository: err = %v, want ErrNotFound", err)
	}
}

func TestLocalIsAncestor(t *testing.T) {
	ctx := context.Background()
	bare := gitserver.NewRepo(t, baseFiles, "main")
	gitserver.Branch(t, bare, "main", "staging")
	gitserver.Branch(t, bare, "main", "dev")
	gitserver.Commit(t, bare, "dev", map[string]string{"deploy/a.yaml": "a: 2\n"}, "dev work")
	tests := []struct {
		a, b string
		want bool
	}{
		{"staging", "dev", true},
		{"dev", "staging", false},
		{"dev", "dev", true},
	}
	for _, tt := range tests {
		if got, err := gitsource.LocalIsAncestor(ctx, bare, tt.a, tt.b); err != nil || got != tt.want {
			t.Errorf("LocalIsAncestor(%s, %s) = %v, %v; want %v", tt.a, tt.b, got, err, tt.want)
		}
	}
	gitserver.Commit(t, bare, "staging", map[string]string{"deploy/b.yaml": "b: 2\n"}, "hotfix")
	if got, err := gitsource.LocalIsAncestor(ctx, bare, "staging", "dev"); err != nil || got {
		t.Errorf("diverged staging: LocalIsAncestor = %v, %v; want false", got, err)
	}
	if _, err := gitsource.LocalIsAncestor(ctx, bare, "nope", "dev"); !errors.Is(err, gitsource.ErrNotFound) {
		t.Errorf("unknown revision: err = %v, want ErrNotFound", err)
	}
}

func TestLocalSourceInAWorkingCopy(t *testing.T) {
	ctx := context.Background()
	bare := gitserver.NewRepo(t, baseFiles, "main")
	gitserver.Branch(t, bare, "main", "dev")
	devHead := gitserver.Commit(t, bare, "dev", map[string]string{"deploy/a.yaml": "a: dev\n"}, "on dev")
	work := filepath.Join(t.TempDir(), "work")
	if _, err := git.PlainCloneContext(ctx, work, false, &git.CloneOptions{URL: gitserver.FileURL(bare)}); err != nil {
		t.Fatal(err)
	}
	src, hash, err := gitsource.LocalSource(ctx, filepath.Join(work, "deploy"), "origin/dev", "")
	if err != nil || hash != devHead {
		t.Fatalf("LocalSource(origin/dev) from a subfolder = %s, %v; want %s", hash, err, devHead)
	}
	if data, err := src.Read(ctx, "deploy/a.yaml"); err != nil || string(data) != "a: dev\n" {
		t.Errorf("a.yaml = %q, %v", data, err)
	}
	if ok, err := gitsource.LocalIsAncestor(ctx, work, "main", "origin/dev"); err != nil || !ok {
		t.Errorf("LocalIsAncestor(main, origin/dev) = %v, %v; want true", ok, err)
	}
}
