package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
)

// waitApplied waits until env has applied revision, failing on a failed
// state that does not clear or after the demo's timeout.
func (dm *demo) waitApplied(ctx context.Context, env, revision string) (daemon.Status, error) {
	return dm.waitState(ctx, env, fmt.Sprintf("to apply %.12s", revision), func(s daemon.Status) bool {
		return s.Applied == revision && s.State == daemon.StateSynced
	})
}

// waitState polls env's status until ok accepts it.
func (dm *demo) waitState(ctx context.Context, env, what string, ok func(daemon.Status) bool) (daemon.Status, error) {
	deadline := time.Now().Add(dm.o.timeout)
	for {
		s, err := dm.d.Status(env)
		if err != nil {
			return s, err
		}
		if ok(s) {
			dm.say("   %-8s %s: %s", env, s.State, s.Message)
			return s, nil
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("%s did not manage %s within %s; it is %s: %s", env, what, dm.o.timeout, s.State, s.Message)
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// approveProd shows prod's waiting plan and approves it, as
// `sluice approve --env prod REVISION` would.
func (dm *demo) approveProd(ctx context.Context, revision string) error {
	s, err := dm.waitState(ctx, "prod", "to plan", func(s daemon.Status) bool {
		return s.State == daemon.StateWaitingApproval && s.Pending != nil && s.Pending.Revision == revision
	})
	if err != nil {
		return err
	}
	dm.say("   prod's plan (sluice status --env prod):")
	if err := writePlanText(dm.out, "prod", s.Pending.Plan); err != nil {
		return err
	}
	dm.say("   approving it (sluice approve --env prod %.12s)...", revision)
	if _, err := dm.d.Approve(ctx, "prod", revision); err != nil {
		return err
	}
	_, err = dm.waitApplied(ctx, "prod", revision)
	return err
}

// runTraining runs the training pipeline in dev and follows it.
func (dm *demo) runTraining(ctx context.Context) (daemon.Run, error) {
	dm.say("\n2. Running the training pipeline in dev (sluice run training --env dev)...")
	run, err := dm.d.StartRun(ctx, "dev", "training", daemon.RunRequest{})
	if err != nil {
		return run, err
	}
	seen := map[string]string{}
	deadline := time.Now().Add(dm.o.timeout)
	for !run.Done() {
		select {
		case <-ctx.Done():
			return run, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if run, err = dm.d.DescribeRun(ctx, "dev", "training", run.Name); err != nil {
			return run, err
		}
		printSteps(&terminalWriter{Writer: dm.out, term: newTerminal(dm.out)}, run.Steps, seen)
		if time.Now().After(deadline) {
			return run, fmt.Errorf("the run did not end within %s", dm.o.timeout)
		}
	}
	printEnd(&terminalWriter{Writer: dm.out, term: newTerminal(dm.out)}, run)
	return run, nil
}

// promote changes the pipeline on dev, lets dev deploy it, then merges
// dev into staging (a fast-forward) and lets staging deploy it.
func (dm *demo) promote(ctx context.Context) error {
	dm.say("\n3. Changing the pipeline on dev (60 epochs instead of 100), then promoting it to staging by a merge...")
	head, err := dm.repo.editDev()
	if err != nil {
		return err
	}
	if err := dm.d.Sync("dev"); err != nil {
		return err
	}
	if _, err := dm.waitApplied(ctx, "dev", head); err != nil {
		return err
	}
	if err := dm.repo.setBranch("staging", plumbing.NewHash(head)); err != nil {
		return err
	}
	if err := dm.d.Sync("staging"); err != nil {
		return err
	}
	_, err = dm.waitApplied(ctx, "staging", head)
	return err
}

// summary prints where to look next.
func (dm *demo) summary(run daemon.Run) {
	dm.say("\nDone.")
	dm.say("  Run %s's artifacts: %s", run.Name, filepath.Join(dm.dir, "world", "buckets", "demo-dev-artifacts", "training", run.Name))
	for _, s := range run.Steps {
		if s.Status == sluice.ExecutionFailed && s.Log != "" {
			dm.say("  Log of the failed step %s: %s", s.State, s.Log)
		}
	}
	dm.say("  Repository: %s (branches dev, staging, prod)", dm.repo.dir)
	if dm.o.exit {
		// The daemon stops with the demo: its pages and API go with it.
		dm.say("  Runs are recorded in %s (the embedded database).", filepath.Join(dm.dir, "runs.db"))
		dm.say("  The daemon has stopped (--exit). Bring it back with its runs: sluice daemon --config %s", filepath.Join(dm.dir, "daemon.yaml"))
		dm.say("  Or, without a daemon, on the local backend:")
		dm.say("       cd %s && sluice apply --env dev --backend local && sluice run training --env dev --backend local", dm.repo.dir)
		return
	}
	dm.say("  Runs are recorded in %s (the embedded database; runs.postgresDSN in daemon.yaml moves them to PostgreSQL):",
		filepath.Join(dm.dir, "runs.db"))
	dm.say("       SLUICE_TOKEN_FILE=%s sluice runs show %s --env dev --server %s", filepath.Join(dm.dir, "api-token"), run.Name, dm.url)
	dm.say("  After Ctrl-C, bring the demo back with its runs: sluice daemon --config %s", filepath.Join(dm.dir, "daemon.yaml"))
	dm.say("  Web pages: %s/   Metrics: %s/metrics   API: %s/api/v1/environments", dm.url, dm.url, dm.url)
	dm.say("  Try: sluice status --server %s", dm.url)
	dm.say("       SLUICE_TOKEN_FILE=%s sluice run training --env dev --server %s -p epochs=20", filepath.Join(dm.dir, "api-token"), dm.url)
}
