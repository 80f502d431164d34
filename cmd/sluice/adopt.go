package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/rollout"
)

type adoptOptions struct {
	env, state string
	dryRun     bool
	aws        awsOptions
}

// errDryRun stops an adoption after it is shown.
var errDryRun = errors.New("dry run")

func newAdoptCmd(g *globalOptions) *cobra.Command {
	o := &adoptOptions{}
	cmd := &cobra.Command{
		Use:   "adopt --env ENV RESOURCE_ID",
		Short: "Take back a resource that lost Sluice's ownership tags",
		Long: `Adopt makes a resource the documents declare Sluice's again, when it no longer
carries Sluice's ownership tags: a job definition revision registered by hand
without tags (the one a job submitted by name now runs), a schedule updated by
hand (which resets the ownership marker in its description), a resource whose
tags were removed. Until then, "sluice plan" shows its changes as "refused: not
owned" and "sluice apply" leaves it stalled.

Adopt reads the resource (by the identity the state file recorded, else by its
name), prints what it is and the tags it will carry, sets them (keeping the
tags it has beside them; nothing else of the resource changes), reads it back
and records it in the state file. The next plan then shows, as drift, whatever
of its configuration differs from the documents, and the next apply makes it
so. RESOURCE_ID is the Type/name a plan prints.`,
		Example: `  # a plan says: ! refuse JobDefinition/train.fit (refused: not owned: ...)
  sluice adopt --env dev JobDefinition/train.fit

  # show what would be adopted, change nothing
  sluice adopt --env prod Schedule/nightly --dry-run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd.Context(), g, sluice.ResourceID(args[0]))
		},
	}
	cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV`")
	cmd.Flags().StringVar(&o.state, "state", "", "state `FILE` (default $XDG_STATE_HOME/sluice/PROJECT.db)")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "show what would be adopted and change nothing")
	o.aws.flags(cmd)
	_ = cmd.Flags().MarkHidden("protected") // adopt tags, it changes no database
	return cmd
}

func (o *adoptOptions) run(ctx context.Context, g *globalOptions, id sluice.ResourceID) (err error) {
	if _, err := sluice.TypeOfID(id); err != nil {
		return err
	}
	key, err := localEnv(&o.env)
	if err != nil {
		return err
	}
	run, err := prepareEnv(ctx, g, o.env, "")
	if err != nil {
		return err
	}
	store, err := openStore(o.state, run)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, store.Close()) }()
	env := &rollout.Env{Name: o.env, StateKey: key, Store: store,
		Notice: func(msg string) { fmt.Fprintln(g.stderr, msg) },
		Connect: func(ctx context.Context) (*rollout.Target, error) {
			conn, err := o.aws.connect(ctx, o.env)
			if err != nil {
				return nil, err
			}
			return o.aws.target(conn), nil
		}}
	_, err = env.Adopt(ctx, run, id, func(a rollout.Adoption) error {
		printAdoption(g, run.Project(), o.env, a)
		if o.dryRun {
			return errDryRun
		}
		return nil
	})
	switch {
	case errors.Is(err, errDryRun):
		fmt.Fprintln(g.stdout, "dry run: nothing changed")
		return nil
	case err != nil:
		fmt.Fprintln(g.stderr, "sluice:", err)
		return exitError{code: exitInvalid}
	}
	fmt.Fprintf(g.stdout, "adopted %s; the next plan shows what of it differs from the documents\n", id)
	return nil
}

// printAdoption says what adopting a takes, and the tags it changes.
func printAdoption(g *globalOptions, project, env string, a rollout.Adoption) {
	how := "a resource of that name Sluice never recorded"
	if a.Recorded {
		how = "recorded in the state file, its ownership tags lost"
	}
	fmt.Fprintf(g.stdout, "adopting %s for %s/%s: %s (%s)\n", a.ID, project, env, a.ARN, how)
	for _, k := range slices.Sorted(maps.Keys(a.Want)) {
		switch have, ok := a.Tags[k]; {
		case !ok:
			fmt.Fprintf(g.stdout, "  + tag %s=%s\n", k, a.Want[k])
		case have != a.Want[k]:
			fmt.Fprintf(g.stdout, "  ~ tag %s=%s (was %s)\n", k, a.Want[k], have)
		}
	}
}
