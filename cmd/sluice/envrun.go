package main

import (
	"context"
	"path/filepath"

	"github.com/sluice-dev/sluice/project"
	"github.com/sluice-dev/sluice/rollout"
)

// prepareEnv loads the repository and compiles env. A broken project
// file is an invalid-input error (nothing can be planned); invalid
// documents are held and reported, the rest proceeds.
func prepareEnv(ctx context.Context, g *globalOptions, env, revision string) (*rollout.Desired, error) {
	snap, err := loadRepo(ctx, g)
	if err != nil {
		return nil, err
	}
	return desiredOf(g, snap, env, revision, gitRevision(g.repo))
}

// desiredOf compiles snap for env, stamped with revision or, when it is
// empty, with fallback.
func desiredOf(g *globalOptions, snap *project.Snapshot, env, revision, fallback string) (*rollout.Desired, error) {
	if snap.Project == nil {
		return nil, invalid(g, snap.Diagnostics)
	}
	if err := requireEnv(snap, env); err != nil {
		return nil, err
	}
	if revision == "" {
		revision = fallback
	}
	return rollout.Compile(snap, env, revision, nil), nil
}

// defaultStatePath is where the CLI keeps its state file when --state is
// not given: under the user's state directory, one file per project.
func defaultStatePath(project string) (string, error) {
	dir, err := stateHome()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "sluice", project+".db"), nil
}
