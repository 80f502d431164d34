package gitsource

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"

	"github.com/sluice-dev/sluice"
)

// IsAncestor reports whether commit a is an ancestor of commit b (or is
// b), both full hex hashes. When the cached history stops at a shallow
// boundary before the answer is known, it fetches the whole history of
// the watched branches and walks again, so a false answer is definite: a
// force-pushed branch whose new head does not descend from the last one
// applied, or a promotion that is not a fast-forward. It fails with an
// error wrapping ErrNotFound when b is not in the cache even after that,
// or wrapping ErrUnreachable or ErrAuth when deepening fails.
func (r *Repo) IsAncestor(ctx context.Context, a, b string) (bool, error) {
	const op = "gitsource.IsAncestor"
	ha, hb, err := parseHashes(a, b)
	if err != nil {
		return false, sluice.E(op, sluice.KindInvalid, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	found, complete, err := walk(ctx, r.repo.Storer, ha, hb)
	if err == nil && (found || complete) {
		return found, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, sluice.E(op, sluice.KindInternal, err)
	}
	r.log.DebugContext(ctx, "git deepen", "branches", r.opts.Branches)
	if _, err := r.fetch(ctx, op, r.opts.Branches, fullDepth); err != nil {
		return false, err
	}
	return finalWalk(ctx, op, r.repo.Storer, ha, hb)
}

// FetchCommit makes sure commit hash (a full hex hash) is in the cache,
// for reading an older revision (a rollback, an approval) that was never
// fetched, or was fetched into a cache since lost: when it is missing, it
// fetches the whole history of the watched branches. It returns the
// commit, with no Branch, or an error wrapping ErrNotFound when no watched
// branch's history holds it, ErrUnreachable or ErrAuth.
func (r *Repo) FetchCommit(ctx context.Context, hash string) (Commit, error) {
	const op = "gitsource.FetchCommit"
	h, _, err := parseHashes(hash, hash)
	if err != nil {
		return Commit{}, sluice.E(op, sluice.KindInvalid, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := object.GetCommit(r.repo.Storer, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		if _, err := r.fetch(ctx, op, r.opts.Branches, fullDepth); err != nil {
			return Commit{}, err
		}
		c, err = object.GetCommit(r.repo.Storer, h)
	}
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return Commit{}, sluice.E(op, sluice.KindNotFound, notFound(h, err))
	}
	if err != nil {
		return Commit{}, sluice.E(op, sluice.KindInternal, err)
	}
	return toCommit(c, ""), nil
}

// finalWalk walks once more after deepening: an incomplete history now is
// an error, not an answer.
func finalWalk(ctx context.Context, op string, s storage.Storer, a, b plumbing.Hash) (bool, error) {
	found, complete, err := walk(ctx, s, a, b)
	switch {
	case errors.Is(err, ErrNotFound):
		return false, sluice.E(op, sluice.KindNotFound, err)
	case err != nil:
		return false, sluice.E(op, sluice.KindInternal, err)
	case !found && !complete:
		return false, sluice.E(op, sluice.KindNotFound, fmt.Errorf("history of %s is incomplete (shallow): %w", b, ErrNotFound))
	}
	return found, nil
}

func parseHashes(hashes ...string) (plumbing.Hash, plumbing.Hash, error) {
	for _, h := range hashes {
		if !plumbing.IsHash(h) {
			return plumbing.ZeroHash, plumbing.ZeroHash, fmt.Errorf("%q is not a full commit hash", h)
		}
	}
	return plumbing.NewHash(hashes[0]), plumbing.NewHash(hashes[1]), nil
}

// walk searches the history of b for a. complete says whether the whole
// history was available (no shallow boundary or missing parent reached).
// It fails with ErrNotFound when b itself is not in s.
func walk(ctx context.Context, s storage.Storer, a, b plumbing.Hash) (found, complete bool, err error) {
	shallow, err := shallowSet(s)
	if err != nil {
		return false, false, err
	}
	if _, err := object.GetCommit(s, b); err != nil {
		return false, false, notFound(b, err)
	}
	complete = true
	seen := map[plumbing.Hash]bool{b: true}
	queue := []plumbing.Hash{b}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return false, false, err
		}
		h := queue[0]
		queue = queue[1:]
		if h == a {
			return true, true, nil
		}
		c, err := object.GetCommit(s, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			complete = false
			continue
		}
		if err != nil {
			return false, false, err
		}
		if shallow[h] {
			complete = false
			continue
		}
		for _, p := range c.ParentHashes {
			if !seen[p] {
				seen[p] = true
				queue = append(queue, p)
			}
		}
	}
	return false, complete, nil
}

func notFound(h plumbing.Hash, err error) error {
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return fmt.Errorf("commit %s: %w", h, ErrNotFound)
	}
	return fmt.Errorf("commit %s: %w", h, err)
}

func shallowSet(s storage.Storer) (map[plumbing.Hash]bool, error) {
	list, err := s.Shallow()
	if err != nil {
		return nil, err
	}
	set := make(map[plumbing.Hash]bool, len(list))
	for _, h := range list {
		set[h] = true
	}
	return set, nil
}

// repairShallow drops from the shallow list the commits whose parents are
// now all in s. The fetch that deepened them records new boundaries but,
// in go-git, does not forget the old ones; a stale boundary would stop
// walks and be sent to the remote as if the cache still lacked history.
func repairShallow(s storage.Storer) error {
	list, err := s.Shallow()
	if err != nil || len(list) == 0 {
		return err
	}
	var keep []plumbing.Hash
	for _, h := range list {
		if !haveParents(s, h) {
			keep = append(keep, h)
		}
	}
	if len(keep) == len(list) {
		return nil
	}
	return s.SetShallow(keep)
}

func haveParents(s storer.EncodedObjectStorer, h plumbing.Hash) bool {
	c, err := object.GetCommit(s, h)
	if err != nil {
		return false
	}
	for _, p := range c.ParentHashes {
		if _, err := s.EncodedObject(plumbing.CommitObject, p); err != nil {
			return false
		}
	}
	return true
}
