package gitsource_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

var baseFiles = map[string]string{
	"sluice.yaml":         "kind: Project\n",
	"deploy/a.yaml":       "a: 1\n",
	"deploy/b.yaml":       "b: 1\n",
	"deploy/.hidden.yaml": "h: 1\n",
	"deploy/notes.md":     "# notes\n",
	"other/c.yml":         "c: 1\n",
}

func TestHeadsFetchSourceAcrossCommits(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			ctx := context.Background()
			rem := newRemote(t, tr, baseFiles)
			first := gitserver.Branch(t, rem.bare, "main", "dev")
			r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"dev", "main", "absent"}})

			heads, err := r.Heads(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[string]string{"dev": first, "main": first}; !reflect.DeepEqual(heads, want) {
				t.Fatalf("Heads = %v, want %v", heads, want)
			}
			got := mustFetch(t, r, "dev")
			if c := got["dev"]; len(got) != 1 || c.Hash != first || c.Branch != "dev" ||
				c.Message != "initial commit" || !strings.Contains(c.Author, "test@sluice.dev") || c.Time.IsZero() {
				t.Fatalf("Fetch = %+v", got)
			}
			src, err := r.Source(ctx, first, "")
			if err != nil {
				t.Fatal(err)
			}
			content, hashes1 := readAll(t, src, "deploy")
			want := map[string]string{"deploy/a.yaml": "a: 1\n", "deploy/b.yaml": "b: 1\n"}
			if !reflect.DeepEqual(content, want) {
				t.Fatalf("List(deploy) = %v, want %v", content, want)
			}
			if hashes1["deploy/a.yaml"] != blobHash("a: 1\n") {
				t.Errorf("hash of a.yaml = %s, want its blob hash %s", hashes1["deploy/a.yaml"], blobHash("a: 1\n"))
			}

			second := gitserver.Commit(t, rem.bare, "dev", map[string]string{"deploy/b.yaml": "b: 2\n"}, "change b")
			heads, err = r.Heads(ctx)
			if err != nil || heads["dev"] != second || heads["main"] != first {
				t.Fatalf("Heads after a commit = %v, %v; want dev at %s", heads, err, second)
			}
			if c := mustFetch(t, r, "dev")["dev"]; c.Hash != second || c.Message != "change b" {
				t.Fatalf("Fetch after a commit = %+v", c)
			}
			src, err = r.Source(ctx, second, "")
			if err != nil {
				t.Fatal(err)
			}
			content, hashes2 := readAll(t, src, "deploy")
			if content["deploy/b.yaml"] != "b: 2\n" {
				t.Errorf("b.yaml = %q after the change", content["deploy/b.yaml"])
			}
			if hashes2["deploy/a.yaml"] != hashes1["deploy/a.yaml"] {
				t.Errorf("unchanged a.yaml changed hash: %s → %s", hashes1["deploy/a.yaml"], hashes2["deploy/a.yaml"])
			}
			if hashes2["deploy/b.yaml"] == hashes1["deploy/b.yaml"] {
				t.Errorf("changed b.yaml kept its hash %s", hashes2["deploy/b.yaml"])
			}
		})
	}
}

func TestUnchangedPollIsOneRequest(t *testing.T) {
	ctx := context.Background()
	rem := newRemote(t, "http", baseFiles)
	gitserver.Branch(t, rem.bare, "main", "dev")
	r, logs := open(t, gitsource.Options{URL: rem.url, Branches: []string{"dev", "main"}})
	mustFetch(t, r, "dev", "main")

	for i := range 3 {
		before := rem.requests()
		if _, err := r.Heads(ctx); err != nil {
			t.Fatal(err)
		}
		if n := rem.requests() - before; n != 1 {
			t.Errorf("poll %d: Heads made %d requests, want 1", i, n)
		}
	}
	if n := strings.Count(logs.String(), "git fetch"); n != 1 {
		t.Errorf("idle polls fetched: %d fetches logged, want the 1 before them", n)
	}
	before := rem.requests()
	mustFetch(t, r, "dev")
	if n := rem.requests() - before; n != 1 {
		t.Errorf("fetching a head already cached made %d requests, want 1 (no pack)", n)
	}
}

func TestForcePush(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			ctx := context.Background()
			rem := newRemote(t, tr, baseFiles)
			base := gitserver.Head(t, rem.bare, "main")
			old := gitserver.Commit(t, rem.bare, "main", map[string]string{"deploy/a.yaml": "a: 2\n"}, "two")
			r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
			mustFetch(t, r, "main")

			rewritten := gitserver.ForcePush(t, rem.bare, "main", map[string]string{"deploy/a.yaml": "a: 3\n"}, "three")
			heads, err := r.Heads(ctx)
			if err != nil || heads["main"] != rewritten {
				t.Fatalf("Heads = %v, %v; want main at %s", heads, err, rewritten)
			}
			if c := mustFetch(t, r, "main")["main"]; c.Hash != rewritten {
				t.Fatalf("Fetch after force-push = %s, want %s", c.Hash, rewritten)
			}
			src, err := r.Source(ctx, rewritten, "")
			if err != nil {
				t.Fatal(err)
			}
			if data, err := src.Read(ctx, "deploy/a.yaml"); err != nil || string(data) != "a: 3\n" {
				t.Errorf("a.yaml = %q, %v; want the rewritten content", data, err)
			}
			if ok, err := r.IsAncestor(ctx, old, rewritten); err != nil || ok {
				t.Errorf("IsAncestor(old head, rewritten head) = %v, %v; want false", ok, err)
			}
			if ok, err := r.IsAncestor(ctx, base, rewritten); err != nil || !ok {
				t.Errorf("IsAncestor(base, rewritten head) = %v, %v; want true", ok, err)
			}
		})
	}
}

func TestDeletedBranchIsAbsent(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr, func(t *testing.T) {
			ctx := context.Background()
			rem := newRemote(t, tr, baseFiles)
			gitserver.Branch(t, rem.bare, "main", "dev")
			r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"dev", "main"}})
			mustFetch(t, r, "dev", "main")

			gitserver.DeleteBranch(t, rem.bare, "dev")
			heads, err := r.Heads(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := heads["dev"]; ok || heads["main"] == "" {
				t.Errorf("Heads after deleting dev = %v, want main only", heads)
			}
			got := mustFetch(t, r, "dev", "main")
			if _, ok := got["dev"]; ok || got["main"].Hash == "" {
				t.Errorf("Fetch(dev, main) after deleting dev = %v, want main only", got)
			}
			if got := mustFetch(t, r, "dev"); len(got) != 0 {
				t.Errorf("Fetch(dev) after deleting dev = %v, want nothing", got)
			}
		})
	}
}

func TestFetchRejectsBadBranchNames(t *testing.T) {
	rem := newRemote(t, "file", baseFiles)
	r, _ := open(t, gitsource.Options{URL: rem.url, Branches: []string{"main"}})
	for _, b := range []string{"*", "main:refs/heads/x", "../x", ""} {
		if _, err := r.Fetch(context.Background(), []string{b}); err == nil {
			t.Errorf("Fetch(%q) accepted", b)
		}
	}
}
