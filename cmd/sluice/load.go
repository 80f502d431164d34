package main

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5"

	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/schema"
)

// loadRepo reads the repository at g.repo with a fresh loader.
func loadRepo(ctx context.Context, g *globalOptions) (*project.Snapshot, error) {
	return loadRepoWith(ctx, g, project.Options{})
}

// loadRepoWith is loadRepo with loader options (the validator is added).
func loadRepoWith(ctx context.Context, g *globalOptions, opts project.Options) (*project.Snapshot, error) {
	v, err := schema.New()
	if err != nil {
		return nil, err
	}
	opts.Validator = v
	l, err := project.NewLoader(opts)
	if err != nil {
		return nil, err
	}
	return l.Load(ctx, project.NewDir(g.repo))
}

// requireEnv fails with a usage error when env is not declared.
func requireEnv(snap *project.Snapshot, env string) error {
	if env == "" {
		return fmt.Errorf("--env is required; the project declares %v", snap.Environments())
	}
	if !snap.HasEnvironment(env) {
		return fmt.Errorf("environment %q is not declared in the project; declared: %v", env, snap.Environments())
	}
	return nil
}

// gitRevision returns the commit checked out in dir, or "" when dir is
// not inside a Git repository or has no commit yet.
func gitRevision(dir string) string {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true})
	if err != nil {
		return ""
	}
	head, err := repo.Head()
	if err != nil {
		return ""
	}
	return head.Hash().String()
}
