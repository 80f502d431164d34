package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/go-git/go-git/v5"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/schema"
)

// refDesired compiles env from the tree of ref in the repository at
// g.repo (its folder inside the repository, when it is a subfolder of a
// working copy) instead of the files on disk: what the environment would
// get if ref were merged into its branch.
func refDesired(ctx context.Context, g *globalOptions, env, ref, revision string) (*rollout.Desired, string, error) {
	src, commit, err := gitsource.LocalSource(ctx, g.repo, ref, repoSubdir(g.repo))
	if err != nil {
		return nil, "", err
	}
	v, err := schema.New()
	if err != nil {
		return nil, "", err
	}
	l, err := project.NewLoader(project.Options{Validator: v})
	if err != nil {
		return nil, "", err
	}
	snap, err := l.Load(ctx, src)
	if err != nil {
		return nil, "", err
	}
	d, err := desiredOf(g, snap, env, revision, commit)
	return d, commit, err
}

// repoSubdir returns dir's path inside its Git working copy ("." for the
// root, and for a bare repository).
func repoSubdir(dir string) string {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return "."
	}
	wt, err := repo.Worktree()
	if err != nil {
		return "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "."
	}
	rel, err := filepath.Rel(wt.Filesystem.Root(), abs)
	if err != nil {
		return "."
	}
	return filepath.ToSlash(rel)
}

// reportPromotion says whether merging ref into base is a fast-forward.
func reportPromotion(ctx context.Context, w io.Writer, repoDir, ref, base string) {
	ff, err := gitsource.LocalIsAncestor(ctx, repoDir, base, ref)
	switch {
	case err != nil:
		fmt.Fprintf(w, "promotion %s → %s: cannot tell whether it is a fast-forward: %v\n", ref, base, err)
	case ff:
		fmt.Fprintf(w, "promotion %s → %s: a fast-forward\n", ref, base)
	default:
		fmt.Fprintf(w, "promotion %s → %s: NOT a fast-forward: %s has commits %s lacks; merging makes a merge commit, "+
			"and this plan shows %s's files as they are\n", ref, base, base, ref, ref)
	}
}
