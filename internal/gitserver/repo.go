package gitserver

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// NewRepo makes a bare repository "repo.git" in a new temporary folder
// with one commit of files on branch, which also becomes HEAD, and
// returns the repository's folder.
func NewRepo(tb testing.TB, files map[string]string, branch string) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "repo.git")
	r, err := git.PlainInit(dir, true)
	if err != nil {
		tb.Fatalf("gitserver: init %s: %v", dir, err)
	}
	head := plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName(branch))
	if err := r.Storer.SetReference(head); err != nil {
		tb.Fatalf("gitserver: set HEAD: %v", err)
	}
	Commit(tb, dir, branch, files, "initial commit")
	return dir
}

// Commit adds a commit on branch (created when missing, with no parent)
// that writes files over the branch's tree; a file whose content is
// Delete is removed. It returns the new commit's hash.
func Commit(tb testing.TB, bareDir, branch string, files map[string]string, message string) string {
	tb.Helper()
	r := open(tb, bareDir)
	var parents []plumbing.Hash
	var tree plumbing.Hash
	if c := headCommit(tb, r, branch); c != nil {
		parents, tree = []plumbing.Hash{c.Hash}, c.TreeHash
	}
	return commitOn(tb, r, branch, parents, tree, files, message)
}

// ForcePush rewrites the last commit of branch, as `git commit --amend`
// followed by `git push --force` would: the new commit has the old one's
// parents and its tree with files written over it. The old commit is no
// longer reachable from any branch. It returns the new commit's hash.
func ForcePush(tb testing.TB, bareDir, branch string, files map[string]string, message string) string {
	tb.Helper()
	r := open(tb, bareDir)
	old := headCommit(tb, r, branch)
	if old == nil {
		tb.Fatalf("gitserver: force-push: no branch %q", branch)
	}
	return commitOn(tb, r, branch, old.ParentHashes, old.TreeHash, files, message)
}

// Branch creates (or moves) branch name to the head of branch from and
// returns that commit's hash.
func Branch(tb testing.TB, bareDir, from, name string) string {
	tb.Helper()
	r := open(tb, bareDir)
	c := headCommit(tb, r, from)
	if c == nil {
		tb.Fatalf("gitserver: branch: no branch %q", from)
	}
	setBranch(tb, r, name, c.Hash)
	return c.Hash.String()
}

// DeleteBranch removes branch.
func DeleteBranch(tb testing.TB, bareDir, branch string) {
	tb.Helper()
	r := open(tb, bareDir)
	if err := r.Storer.RemoveReference(plumbing.NewBranchReferenceName(branch)); err != nil {
		tb.Fatalf("gitserver: delete branch %q: %v", branch, err)
	}
}

// Merge merges branch from into branch into and returns into's new head:
// a fast-forward when into's head is an ancestor of from's, otherwise a
// merge commit with parents (into, from) whose tree is from's tree, as a
// promotion merge that carries the same files from branch to branch makes.
func Merge(tb testing.TB, bareDir, from, into string) string {
	tb.Helper()
	r := open(tb, bareDir)
	src, dst := headCommit(tb, r, from), headCommit(tb, r, into)
	if src == nil || dst == nil {
		tb.Fatalf("gitserver: merge %q into %q: missing branch", from, into)
	}
	ff, err := dst.IsAncestor(src)
	if err != nil {
		tb.Fatalf("gitserver: merge: %v", err)
	}
	if ff || dst.Hash == src.Hash {
		setBranch(tb, r, into, src.Hash)
		return src.Hash.String()
	}
	msg := "Merge branch '" + from + "' into " + into
	return commitOn(tb, r, into, []plumbing.Hash{dst.Hash, src.Hash}, src.TreeHash, nil, msg)
}

// Head returns the commit branch points at, or "" when there is no such
// branch.
func Head(tb testing.TB, bareDir, branch string) string {
	tb.Helper()
	if c := headCommit(tb, open(tb, bareDir), branch); c != nil {
		return c.Hash.String()
	}
	return ""
}

func open(tb testing.TB, bareDir string) *git.Repository {
	tb.Helper()
	r, err := git.PlainOpen(bareDir)
	if err != nil {
		tb.Fatalf("gitserver: open %s: %v", bareDir, err)
	}
	return r
}

// headCommit returns the commit branch points at, or nil when the branch
// does not exist.
func headCommit(tb testing.TB, r *git.Repository, branch string) *object.Commit {
	tb.Helper()
	ref, err := r.Reference(plumbing.NewBranchReferenceName(branch), true)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return nil
	}
	if err != nil {
		tb.Fatalf("gitserver: branch %q: %v", branch, err)
	}
	c, err := r.CommitObject(ref.Hash())
	if err != nil {
		tb.Fatalf("gitserver: commit %s: %v", ref.Hash(), err)
	}
	return c
}

// commitOn writes a commit of tree base with changes applied, with the
// given parents, and points branch at it.
func commitOn(tb testing.TB, r *git.Repository, branch string, parents []plumbing.Hash, base plumbing.Hash, changes map[string]string, message string) string {
	tb.Helper()
	files := readFiles(tb, r, base)
	applyFiles(tb, r, files, changes)
	sig := object.Signature{Name: "Sluice Test", Email: "test@sluice.dev", When: time.Now()}
	c := &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: writeTree(tb, r, files), ParentHashes: parents}
	obj := r.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		tb.Fatalf("gitserver: commit: %v", err)
	}
	h := store(tb, r, obj)
	setBranch(tb, r, branch, h)
	return h.String()
}

func setBranch(tb testing.TB, r *git.Repository, branch string, h plumbing.Hash) {
	tb.Helper()
	if err := r.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(branch), h)); err != nil {
		tb.Fatalf("gitserver: set branch %q: %v", branch, err)
	}
}
