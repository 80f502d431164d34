package gitsource_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/gitsource"
	"github.com/sluice-dev/sluice/internal/gitserver"
)

// TestConcurrentEnvironments drives one Repo from several goroutines, as
// the daemon's environments of one repository do, while the branches move.
func TestConcurrentEnvironments(t *testing.T) {
	ctx := context.Background()
	rem := newRemote(t, "http", baseFiles)
	branches := []string{"dev", "staging", "prod"}
	for _, b := range branches {
		gitserver.Branch(t, rem.bare, "main", b)
	}
	r, _ := open(t, gitsource.Options{URL: rem.url, Branches: branches})
	for round := range 3 {
		for _, b := range branches {
			gitserver.Commit(t, rem.bare, b, map[string]string{"deploy/a.yaml": fmt.Sprintf("%s: %d\n", b, round)}, "move")
		}
		errs := make([]error, len(branches))
		var wg sync.WaitGroup
		for i, b := range branches {
			wg.Go(func() { errs[i] = pollOnce(ctx, r, b, fmt.Sprintf("%s: %d\n", b, round)) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
	}
}

// pollOnce is one environment's cycle: heads, fetch, read, ancestry.
func pollOnce(ctx context.Context, r *gitsource.Repo, branch, want string) error {
	heads, err := r.Heads(ctx)
	if err != nil {
		return err
	}
	got, err := r.Fetch(ctx, []string{branch})
	if err != nil {
		return err
	}
	if got[branch].Hash != heads[branch] {
		return fmt.Errorf("%s: fetched %s, head was %s", branch, got[branch].Hash, heads[branch])
	}
	src, err := r.Source(ctx, heads[branch], "")
	if err != nil {
		return err
	}
	data, err := src.Read(ctx, "deploy/a.yaml")
	if err != nil {
		return err
	}
	if string(data) != want {
		return fmt.Errorf("%s: a.yaml = %q, want %q", branch, data, want)
	}
	if _, err := r.IsAncestor(ctx, heads[branch], heads[branch]); err != nil {
		return err
	}
	return nil
}
