package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/statestore"
)

// targetOptions say where an environment's resources live and how
// Sluice keeps track of them: flags shared by plan and apply.
type targetOptions struct {
	env      string
	state    string
	revision string
	prune    bool
	refresh  bool
	aws      awsOptions
}

func (o *targetOptions) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV`")
	cmd.Flags().StringVar(&o.state, "state", "", "state `FILE` (default $XDG_STATE_HOME/sluice/PROJECT.db)")
	cmd.Flags().StringVar(&o.revision, "revision", "", "Git `REVISION` to stamp (default: the checked-out commit)")
	cmd.Flags().BoolVar(&o.prune, "prune", false, "delete resources gone from the documents (stores are retained regardless)")
	cmd.Flags().BoolVar(&o.refresh, "refresh", true, "read the applied resources back from AWS to find drift")
	o.aws.flags(cmd)
}

type planOptions struct {
	targetOptions
	format   string
	detailed bool
}

func newPlanCmd(g *globalOptions) *cobra.Command {
	o := &planOptions{}
	cmd := &cobra.Command{
		Use:   "plan --env ENV",
		Short: "Show what applying an environment would create, change and delete",
		Long: `Plan compiles the repository for one environment and compares the result with
what Sluice last applied there (a change in Git) and, with --refresh, with
what AWS reports (drift). Nothing is changed. When the state file is
missing or holds nothing for the environment (a CI job, a lost file), what
Sluice applied is rebuilt from the ownership tags AWS holds, so the plan is
the one a machine with the state file would make.

Invalid documents are held: what they produced before is neither updated nor
deleted, and the plan says so. --format markdown writes a summary and a
table fit for a pull-request comment.

Exit status: 0 success, 1 a finding in the repository (the plan is still
printed, for the valid documents) or a failure, 2 usage error; with
--detailed-exitcode (as Terraform's): 0 no changes, 1 error or finding,
2 changes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	o.flags(cmd)
	cmd.Flags().StringVar(&o.format, "format", "text", "output `FORMAT`: text, json or markdown")
	cmd.Flags().BoolVar(&o.detailed, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	return cmd
}

func (o *planOptions) run(ctx context.Context, g *globalOptions) error {
	write, ok := map[string]func(*globalOptions, string, reconcile.Plan) error{
		"text":     func(g *globalOptions, env string, p reconcile.Plan) error { return writePlanText(g.stdout, env, p) },
		"json":     func(g *globalOptions, env string, p reconcile.Plan) error { return writePlanJSON(g.stdout, env, p) },
		"markdown": func(g *globalOptions, env string, p reconcile.Plan) error { return writePlanMarkdown(g.stdout, env, p) },
	}[o.format]
	if !ok {
		return fmt.Errorf("unknown --format %q; use text, json or markdown", o.format)
	}
	run, err := prepareEnv(ctx, g, o.env, o.revision)
	if err != nil {
		return err
	}
	applied, env, observed, err := o.planInventory(ctx, g, run)
	if err != nil {
		return err
	}
	in := o.planInput(run, applied)
	if o.refresh && len(applied) > 0 {
		if env == nil {
			if env, err = o.aws.connect(ctx, o.env); err != nil {
				return err
			}
		}
		if observed == nil {
			if observed, err = observe(ctx, env.backends, applied); err != nil {
				return err
			}
		}
		in.Observed = observed
		fmt.Fprintf(g.stderr, "AWS calls: %d (reading %d resources back)\n", totalCalls(env), len(applied))
	}
	p := reconcile.ComputePlan(in)
	_ = writeText(g.stderr, run.findings)
	if err := write(g, o.env, p); err != nil {
		return err
	}
	if run.findings.HasErrors() {
		return exitError{code: exitInvalid}
	}
	if o.detailed && !p.Empty() {
		return exitError{code: 2}
	}
	return nil
}

func (o *targetOptions) planInput(run *envRun, applied []reconcile.Applied) reconcile.PlanInput {
	return reconcile.PlanInput{Desired: run.resources, Applied: applied, Held: run.held, HoldAll: run.holdAll, AllowPrune: o.prune}
}

// readInventory reads the environment's inventory from the state file,
// read-only; a missing file is an empty inventory.
func readInventory(path string, run *envRun) ([]reconcile.Applied, error) {
	path, err := statePath(path, run)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	store, err := statestore.Open(path, statestore.Options{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	applied, err := inventory(store, run.env)
	return applied, errors.Join(err, store.Close())
}

func statePath(path string, run *envRun) (string, error) {
	if path != "" {
		return path, nil
	}
	return defaultStatePath(run.snap.Project.Name)
}

// observe reads every applied resource back from its backend.
func observe(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, applied []reconcile.Applied) (map[sluice.ResourceID]sluice.Observation, error) {
	out := make(map[sluice.ResourceID]sluice.Observation, len(applied))
	for _, a := range applied {
		b, ok := backends[a.Type]
		if !ok || len(a.Spec) == 0 {
			// No spec: a record rebuilt from tags whose applied
			// spec is unknown; there is nothing to compare with.
			continue
		}
		t := sluice.Target{Resource: sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name, Spec: a.Spec}, ARN: a.ARN}
		obs, err := b.Observe(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("observe %s: %w", a.ID, err)
		}
		out[a.ID] = obs
	}
	return out, nil
}
