package gitserver_test

import (
	"errors"
	"io"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sluice-dev/sluice/internal/gitserver"
)

// filesAt returns the files of commit hash in bare: path → content.
func filesAt(t *testing.T, bare, hash string) map[string]string {
	t.Helper()
	r, err := git.PlainOpen(bare)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.CommitObject(plumbing.NewHash(hash))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	files, err := c.Files()
	if err != nil {
		t.Fatal(err)
	}
	err = files.ForEach(func(f *object.File) error {
		rd, err := f.Reader()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(rd)
		out[f.Name] = string(b)
		return errors.Join(err, rd.Close())
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func parents(t *testing.T, bare, hash string) []string {
	t.Helper()
	r, err := git.PlainOpen(bare)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.CommitObject(plumbing.NewHash(hash))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range c.ParentHashes {
		out = append(out, p.String())
	}
	return out
}

func TestCommitWritesAndDeletes(t *testing.T) {
	bare := gitserver.NewRepo(t, map[string]string{"deploy/a.yaml": "a", "deploy/sub/b.yaml": "b", "top.yaml": "t"}, "main")
	first := gitserver.Head(t, bare, "main")
	second := gitserver.Commit(t, bare, "main", map[string]string{"deploy/a.yaml": gitserver.Delete, "deploy/sub/c.yaml": "c"}, "change")
	got := filesAt(t, bare, second)
	want := map[string]string{"deploy/sub/b.yaml": "b", "deploy/sub/c.yaml": "c", "top.yaml": "t"}
	if len(got) != len(want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	for p, c := range want {
		if got[p] != c {
			t.Errorf("%s = %q, want %q", p, got[p], c)
		}
	}
	if p := parents(t, bare, second); len(p) != 1 || p[0] != first {
		t.Errorf("parents %v, want [%s]", p, first)
	}
}

func TestForcePushDeleteAndMerge(t *testing.T) {
	bare := gitserver.NewRepo(t, map[string]string{"a.yaml": "1"}, "main")
	base := gitserver.Head(t, bare, "main")
	gitserver.Branch(t, bare, "main", "dev")
	old := gitserver.Commit(t, bare, "dev", map[string]string{"a.yaml": "2"}, "two")
	rewritten := gitserver.ForcePush(t, bare, "dev", map[string]string{"a.yaml": "3"}, "three")
	if p := parents(t, bare, rewritten); rewritten == old || len(p) != 1 || p[0] != base {
		t.Errorf("force-push made %s with parents %v, want a new commit on %s", rewritten, p, base)
	}

	if ff := gitserver.Merge(t, bare, "dev", "main"); ff != rewritten {
		t.Errorf("fast-forward merge gave %s, want %s", ff, rewritten)
	}
	gitserver.Commit(t, bare, "main", map[string]string{"m.yaml": "m"}, "on main")
	devHead := gitserver.Commit(t, bare, "dev", map[string]string{"d.yaml": "d"}, "on dev")
	merge := gitserver.Merge(t, bare, "dev", "main")
	if p := parents(t, bare, merge); len(p) != 2 || p[1] != devHead {
		t.Errorf("merge parents %v, want two with dev's head second", p)
	}
	if got := filesAt(t, bare, merge); got["d.yaml"] != "d" || got["a.yaml"] != "3" {
		t.Errorf("merge tree %v, want dev's files", got)
	}

	gitserver.DeleteBranch(t, bare, "dev")
	if h := gitserver.Head(t, bare, "dev"); h != "" {
		t.Errorf("deleted branch still at %s", h)
	}
}
