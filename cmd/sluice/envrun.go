package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/project"
)

// envRun is one environment's desired state as the repository gives it:
// the resources of the valid documents, and what must be held.
type envRun struct {
	snap      *project.Snapshot
	env       string
	revision  string
	resources []sluice.Resource
	// held names the documents whose findings hold what they produced.
	held map[string]bool
	// holdAll is set when a file could not be read at all.
	holdAll bool
	// findings are the findings that concern env.
	findings sluice.Diagnostics
}

// prepareEnv loads the repository and compiles env. A broken project
// file is an invalid-input error (nothing can be planned); invalid
// documents are held and reported, the rest proceeds.
func prepareEnv(ctx context.Context, g *globalOptions, env, revision string) (*envRun, error) {
	snap, err := loadRepo(ctx, g)
	if err != nil {
		return nil, err
	}
	if snap.Project == nil {
		return nil, invalid(g, snap.Diagnostics)
	}
	if err := requireEnv(snap, env); err != nil {
		return nil, err
	}
	if revision == "" {
		revision = gitRevision(g.repo)
	}
	r := &envRun{snap: snap, env: env, revision: revision, holdAll: len(snap.BrokenFiles) > 0}
	snap.CheckEach(func(e string, docs []*dsl.Document) sluice.Diagnostics {
		if e != env {
			return nil
		}
		var ds sluice.Diagnostics
		r.resources, ds = compile.Compile(compile.Input{Project: snap.Project, Documents: docs, Env: env, Revision: revision})
		return ds
	})
	r.findings = envDiagnostics(snap, env)
	r.held = make(map[string]bool)
	for _, d := range r.findings {
		if d.Document != "" {
			r.held[d.Document] = true
		}
	}
	return r, nil
}

// defaultStatePath is where the CLI keeps its state file when --state is
// not given: under the user's state directory, one file per project.
func defaultStatePath(project string) (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no --state given and no home directory to keep state in: %w", err)
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "sluice", project+".db"), nil
}
