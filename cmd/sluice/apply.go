package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/reconcile"
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
	run, err := prepareEnv(ctx, g, o.env, o.revision)
	if err != nil {
		return err
	}
	store, err := openStore(o.state, run)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, store.Close()) }()
	env, err := o.aws.connect(ctx, o.env)
	if err != nil {
		return err
	}
	applier := &reconcile.Applier{Backends: env.backends, Store: envStore{store: store, env: o.env, revision: run.revision},
		Project: run.snap.Project.Name, Env: o.env, Workers: o.workers}
	if err := recoverJournal(ctx, applier, store, o.env); err != nil {
		return err
	}
	applied, err := inventory(store, o.env)
	if err != nil {
		return err
	}
	applied, observed, err := o.rebuildAndSave(ctx, g, env, run, envStore{store: store, env: o.env}, applied)
	if err != nil {
		return err
	}
	in := o.planInput(run, applied)
	if o.refresh && len(applied) > 0 && observed == nil {
		if observed, err = observe(ctx, env.backends, applied); err != nil {
			return err
		}
	}
	in.Observed = observed
	_ = writeText(g.stderr, run.findings)
	p := reconcile.ComputePlan(in)
	if err := writePlanText(g.stdout, o.env, p); err != nil {
		return err
	}
	applier.Vars = reconcile.Vars(env.vars, applied)
	results, err := applier.Apply(ctx, p)
	if err != nil {
		return err
	}
	failed := reportResults(g, results, env)
	if err := recordHistory(store, o.env, run.revision, p, failed); err != nil {
		return err
	}
	if failed > 0 || run.findings.HasErrors() {
		return exitError{code: exitInvalid}
	}
	return nil
}

// openStore opens the environment's state file for writing, making its
// folder when needed.
func openStore(path string, run *envRun) (*statestore.Store, error) {
	path, err := statePath(path, run)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return statestore.Open(path, statestore.Options{})
}

// reportResults prints each change's outcome and the AWS calls made, and
// returns how many changes did not complete.
func reportResults(g *globalOptions, results []reconcile.Result, env *awsEnv) int {
	failed := 0
	for _, r := range results {
		if !r.Change.Action.Mutates() && r.Err == nil {
			continue
		}
		status := "done"
		if r.Err != nil {
			failed++
			decision, after := sluice.RetryOf(r.Err)
			status = fmt.Sprintf("%s: %v", decision, r.Err)
			if decision == sluice.RetryWaiting {
				status = fmt.Sprintf("in progress, apply again in %s: %v", after, r.Err)
			}
		}
		fmt.Fprintf(g.stdout, "  %-8s %s: %s\n", r.Change.Action, r.Change.ID, status)
	}
	fmt.Fprintf(g.stdout, "AWS calls: %d, of which %d changed something\n", totalCalls(env), env.calls.Mutations())
	return failed
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

func recordHistory(store *statestore.Store, env, revision string, p reconcile.Plan, failed int) error {
	c := p.Counts()
	result := "succeeded"
	if failed > 0 {
		result = fmt.Sprintf("%d changes incomplete", failed)
	}
	return store.Update(func(tx *statestore.Tx) error {
		return tx.AppendHistory(env, statestore.Entry{Revision: revision, Time: time.Now().UTC(), Result: result,
			Created: c[reconcile.ActionCreate], Updated: c[reconcile.ActionUpdate] + c[reconcile.ActionReplace],
			Deleted: c[reconcile.ActionDelete], Unchanged: p.Unchanged})
	})
}
