package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/sluice-dev/sluice/templates"
)

// demoRepo is the demo's Git repository: a working copy whose branches
// dev, staging and prod the daemon watches.
type demoRepo struct {
	dir  string
	repo *git.Repository
}

// newDemoRepo scaffolds the training template into dir as project
// "demo" and commits it on dev, with staging and prod at the same
// commit. Without a PostgreSQL server the MetadataStore is left out:
// the local backend makes databases only on a real server.
func newDemoRepo(dir string, withDatabase bool) (*demoRepo, error) {
	if err := templates.Scaffold("training", dir, "demo"); err != nil {
		return nil, err
	}
	if !withDatabase {
		if err := dropMetadataStore(filepath.Join(dir, "deploy", "stores.yaml")); err != nil {
			return nil, err
		}
	}
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("dev")}})
	if err != nil {
		return nil, err
	}
	r := &demoRepo{dir: dir, repo: repo}
	head, err := r.commit("Training pipeline from the Sluice template")
	if err != nil {
		return nil, err
	}
	for _, b := range []string{"staging", "prod"} {
		if err := r.setBranch(b, head); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// dropMetadataStore removes the MetadataStore document from a file of
// documents.
func dropMetadataStore(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var kept []string
	for _, doc := range strings.Split(string(data), "\n---\n") {
		if !strings.Contains(doc, "kind: MetadataStore") {
			kept = append(kept, doc)
		}
	}
	return os.WriteFile(path, []byte(strings.Join(kept, "\n---\n")), 0o644)
}

// commit commits every file of the working copy on the checked-out
// branch (dev) and returns the commit's hash.
func (r *demoRepo) commit(msg string) (plumbing.Hash, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		return plumbing.ZeroHash, err
	}
	return wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "Sluice demo", Email: "demo@sluice.dev", When: time.Now()}})
}

// setBranch points branch at h: a fast-forward merge when branch's
// head is an ancestor of h.
func (r *demoRepo) setBranch(branch string, h plumbing.Hash) error {
	return r.repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(branch), h))
}

// head returns branch's head.
func (r *demoRepo) head(branch string) (string, error) {
	ref, err := r.repo.Reference(plumbing.NewBranchReferenceName(branch), true)
	if err != nil {
		return "", err
	}
	return ref.Hash().String(), nil
}

// editDev changes the training pipeline on dev (fewer epochs per
// candidate) and commits it, returning the new head.
func (r *demoRepo) editDev() (string, error) {
	path := filepath.Join(r.dir, "deploy", "pipeline.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	const from, to = "      default: 100\n      description: Passes over", "      default: 60\n      description: Passes over"
	if !strings.Contains(string(data), from) {
		return "", fmt.Errorf("the demo's pipeline has no epochs default to change")
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), from, to, 1)), 0o644); err != nil {
		return "", err
	}
	h, err := r.commit("Train for 60 epochs")
	return h.String(), err
}
