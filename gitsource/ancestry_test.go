package gitsource_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

func TestIsAncestor(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			ctx := context.Background()
			rem := newRemote(t, tr, baseFiles)
			base := gitserver.Head(t, rem.bare, "main")
			gitserver.Branch(t, rem.bare, "main", "staging")
			gitserver.Branch(t, rem.bare, "main", "dev")
			d1 := gitserver.Commit(t, rem.bare, "dev", map[string]string{"deploy/a.yaml": "a: 2\n"}, "d1")
			d2 := gitserver.Commit(t, rem.bare, "dev", map[string]string{"deploy/a.yaml": "a: 3\n"}, "d2")
			s1 := gitserver.Commit(t, rem.bare, "staging", map[string]string{"deploy/b.yaml": "b: 2\n"}, "s1")
			r, logs := open(t, gitsource.Options{URL: rem.url, Branches: []string{"dev", "staging"}})
			mustFetch(t, r, "dev", "staging")

			tests := []struct {
				name string
				a, b string
				want bool
			}{
				{"same commit", d2, d2, true},
				{"fast-forward", base, d2, true},
				{"parent", d1, d2, true},
				{"descendant is not an ancestor", d2, d1, false},
				{"diverged", s1, d2, false},
				{"diverged the other way", d2, s1, false},
			}
			for _, tt := range tests {
				got, err := r.IsAncestor(ctx, tt.a, tt.b)
				if err != nil || got != tt.want {
					t.Errorf("%s: IsAncestor = %v, %v; want %v", tt.name, got, err, tt.want)
				}
			}
			if n := strings.Count(logs.String(), "git deepen"); n != 1 {
				t.Errorf("deepened %d times, want once (the first walk that hit the shallow boundary)", n)
			}

			before := rem.requests()
			if ok, err := r.IsAncestor(ctx, base, d2); err != nil || !ok {
				t.Errorf("IsAncestor after deepening = %v, %v", ok, err)
			}
			if n := rem.requests() - before; n != 0 {
				t.Errorf("IsAncestor on a deepened cache made %d requests, want 0", n)
			}
		})
	}
}

func TestIsAncestorOfTheNextCommitNeedsNoDeepening(t *testing.T) {
	rem := newRemote(t, "http", baseFiles)
	r, logs := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	prev := mustFetch(t, r, "main")["main"].Hash
	next := gitserver.Commit(t, rem.bare, "main", map[string]string{"deploy/a.yaml": "a: 2\n"}, "next")
	mustFetch(t, r, "main")
	before := rem.requests()
	if ok, err := r.IsAncestor(context.Background(), prev, next); err != nil || !ok {
		t.Fatalf("IsAncestor(previous head, new head) = %v, %v", ok, err)
	}
	if n := rem.requests() - before; n != 0 || strings.Contains(logs.String(), "git deepen") {
		t.Errorf("a fast-forward from the previously fetched head made %d requests, want 0", n)
	}
}

func TestIsAncestorErrors(t *testing.T) {
	rem := newRemote(t, "file", baseFiles)
	r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	head := mustFetch(t, r, "main")["main"].Hash
	unknown := strings.Repeat("ab", 20)
	if _, err := r.IsAncestor(context.Background(), head, unknown); !errors.Is(err, gitsource.ErrNotFound) {
		t.Errorf("unknown b: err = %v, want ErrNotFound", err)
	}
	if ok, err := r.IsAncestor(context.Background(), unknown, head); err != nil || ok {
		t.Errorf("unknown a: %v, %v; want false (it is in no history of b)", ok, err)
	}
	if _, err := r.IsAncestor(context.Background(), "main", head); err == nil {
		t.Errorf("a branch name accepted as a hash")
	}
}

func TestFetchCommit(t *testing.T) {
	ctx := context.Background()
	rem := newRemote(t, "http", baseFiles)
	old := gitserver.Commit(t, rem.bare, "main", map[string]string{"deploy/a.yaml": "a: old\n"}, "old")
	gitserver.Commit(t, rem.bare, "main", map[string]string{"deploy/a.yaml": "a: new\n"}, "new")
	gitserver.Branch(t, rem.bare, "main", "dev")
	gone := gitserver.Commit(t, rem.bare, "dev", map[string]string{"deploy/a.yaml": "a: gone\n"}, "gone")
	gitserver.DeleteBranch(t, rem.bare, "dev")
	r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	mustFetch(t, r, "main")
	if _, err := r.Source(ctx, old, ""); !errors.Is(err, gitsource.ErrNotFound) {
		t.Fatalf("Source of an older commit after a shallow fetch: %v, want ErrNotFound", err)
	}
	c, err := r.FetchCommit(ctx, old)
	if err != nil || c.Hash != old || c.Message != "old" {
		t.Fatalf("FetchCommit(old) = %+v, %v", c, err)
	}
	src, err := r.Source(ctx, old, "")
	if err != nil {
		t.Fatal(err)
	}
	if data, err := src.Read(ctx, "deploy/a.yaml"); err != nil || string(data) != "a: old\n" {
		t.Errorf("old a.yaml = %q, %v", data, err)
	}
	before := rem.requests()
	if _, err := r.FetchCommit(ctx, old); err != nil || rem.requests() != before {
		t.Errorf("FetchCommit of a cached commit: %v, %d requests; want none", err, rem.requests()-before)
	}
	if _, err := r.FetchCommit(ctx, gone); !errors.Is(err, gitsource.ErrNotFound) {
		t.Errorf("FetchCommit of a commit on no watched branch: %v, want ErrNotFound", err)
	}
}
