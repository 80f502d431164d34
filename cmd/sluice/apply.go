package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

type applyOptions struct {
	targetOptions
	workers int
}

func newApplyCmd(g *globalOptions) *cobra.Command {
	o := &applyOptions{}
	cmd := &cobra.Command{
		Use:   "apply --env ENV",
		Short: "Bring an environment's AWS resources in line with the repository",
		Long: `Apply plans as "sluice plan" does, then carries the plan out: creations and
updates in dependency order, deletions (with --prune) in reverse. Every
resource's identity is saved in the state file right after it is created, so
an apply interrupted at any point resumes without duplicates. Resources
without Sluice's ownership tags are never adopted nor deleted. With no state
for the environment, the inventory is rebuilt from the ownership tags AWS
holds and saved before anything is applied.

Long operations (a database becoming available, a compute environment being
disabled before deletion) are not waited for: apply reports them as waiting,
and the next apply takes them further.

Invalid documents do not stop the rest: what they produced is held, the
other documents are applied, and the findings are printed.

Exit status: 0 everything applied, 1 a finding in the repository, a change
that failed or one still in progress, 2 usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	o.flags(cmd)
	cmd.Flags().IntVar(&o.workers, "workers", 4, "how many changes run at once")
	return cmd
}

func (o *applyOptions) run(ctx context.Context, g *globalOptions) (err error) {
	run, err := o.desired(ctx, g)
	if err != nil {
		return err
	}
	store, err := openStore(o.state, run)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, store.Close()) }()
	var conn *awsEnv
	env := o.rolloutEnv(g, store, &conn)
	env.Workers = o.workers
	env.BeforeApply = func(p *rollout.Planned) { _ = writePlanText(g.stdout, o.env, p.Plan) }
	_ = writeText(g.stderr, run.Findings)
	out, err := env.Apply(ctx, run)
	if err != nil {
		return err
	}
	reportResults(g, out.Results, conn)
	if out.Incomplete > 0 || run.Findings.HasErrors() {
		return exitError{code: exitInvalid}
	}
	return nil
}

// openStore opens the environment's state file for writing, making its
// folder when needed.
func openStore(path string, run *rollout.Desired) (*statestore.Store, error) {
	path, err := statePath(path, run)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return statestore.Open(path, statestore.Options{})
}

// reportResults prints each change's outcome and the AWS calls made.
func reportResults(g *globalOptions, results []reconcile.Result, env *awsEnv) {
	for _, r := range results {
		if !r.Change.Action.Mutates() && r.Err == nil {
			continue
		}
		status := "done"
		if r.Err != nil {
			decision, after := sluice.RetryOf(r.Err)
			status = fmt.Sprintf("%s: %v", decision, r.Err)
			if decision == sluice.RetryWaiting {
				status = fmt.Sprintf("in progress, apply again in %s: %v", after, r.Err)
			}
		}
		fmt.Fprintf(g.stdout, "  %-8s %s: %s\n", r.Change.Action, r.Change.ID, status)
	}
	if env != nil {
		fmt.Fprintf(g.stdout, "AWS calls: %d, of which %d changed something\n", totalCalls(env), env.calls.Mutations())
	}
}

// totalCalls returns how many requests were sent to AWS, each attempt of
// a retried call counted once (the counter's retry keys count retries,
// which are attempts already counted).
func totalCalls(env *awsEnv) int {
	n := 0
	for k, c := range env.calls.Snapshot() {
		if k.Result != awsapi.RetryResult {
			n += c
		}
	}
	return n
}
