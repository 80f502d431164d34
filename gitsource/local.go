package gitsource

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/sluice-dev/sluice"
)

// LocalSource opens the Git repository at repoDir (or the one enclosing
// it) and returns a project.Source over the tree of ref, a branch, tag,
// remote branch ("origin/dev") or commit hash, below root, with the
// commit's hash. It fails with an error wrapping ErrNotFound when there
// is no repository or ref does not name a commit in it.
func LocalSource(ctx context.Context, repoDir, ref, root string) (*Tree, string, error) {
	const op = "gitsource.LocalSource"
	repo, h, err := openLocal(repoDir, ref)
	if err != nil {
		return nil, "", sluice.E(op, sluice.KindNotFound, err)
	}
	t, err := newTree(ctx, &sync.Mutex{}, repo.Storer, h.String(), root)
	if err != nil {
		return nil, "", sluice.E(op, kindOf(err), err)
	}
	return t, h.String(), nil
}

// LocalIsAncestor reports whether revision a is an ancestor of revision b
// (or the same commit) in the Git repository at repoDir; revisions are
// read as LocalSource reads ref. It fails with an error wrapping
// ErrNotFound when either revision is unknown or when the repository is a
// shallow clone whose history stops before the answer is known.
func LocalIsAncestor(ctx context.Context, repoDir, a, b string) (bool, error) {
	const op = "gitsource.LocalIsAncestor"
	repo, ha, err := openLocal(repoDir, a)
	if err != nil {
		return false, sluice.E(op, sluice.KindNotFound, err)
	}
	hb, err := resolve(repo, b)
	if err != nil {
		return false, sluice.E(op, sluice.KindNotFound, err)
	}
	return finalWalk(ctx, op, repo.Storer, ha, hb)
}

func openLocal(repoDir, ref string) (*git.Repository, plumbing.Hash, error) {
	repo, err := git.PlainOpenWithOptions(repoDir, &git.PlainOpenOptions{DetectDotGit: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainOpen(repoDir) // a bare repository
	}
	if err != nil {
		return nil, plumbing.ZeroHash, fmt.Errorf("%s: %w: %w", repoDir, ErrNotFound, err)
	}
	// go-git opens with its default object cache (96 MiB), which kept
	// every blob the loader read for the process's lifetime, beside the
	// loader's own copy: the same folder is opened again with the
	// bounded cache a watched repository has.
	if fs, ok := repo.Storer.(*filesystem.Storage); ok {
		if repo, err = git.Open(filesystem.NewStorage(fs.Filesystem(), cache.NewObjectLRU(objectCacheSize)), nil); err != nil {
			return nil, plumbing.ZeroHash, fmt.Errorf("%s: %w: %w", repoDir, ErrNotFound, err)
		}
	}
	h, err := resolve(repo, ref)
	return repo, h, err
}

// resolve finds the commit ref names.
func resolve(repo *git.Repository, ref string) (plumbing.Hash, error) {
	h, err := repo.ResolveRevision(plumbing.Revision(ref))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("revision %q: %w: %w", ref, ErrNotFound, err)
	}
	return *h, nil
}
