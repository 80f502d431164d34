package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/sluice-dev/sluice/reconcile"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// targetOptions say where an environment's resources live and how
// Sluice keeps track of them: flags shared by plan and apply.
type targetOptions struct {
	env string
	// stateKey is the key of the environment's state: env, or the
	// qualified name --env gave (see localEnv).
	stateKey string
	state    string
	revision string
	prune    bool
	refresh  bool
	aws      awsOptions
	be       backendOptions
	// project is the project's name, known once the repository is read.
	project string
	// ref and base: plan the tree of Git ref instead of the files on
	// disk, a promotion into base (plan only).
	ref, base string
}

func (o *targetOptions) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.env, "env", "", "environment `ENV`")
	cmd.Flags().StringVar(&o.state, "state", "", "state `FILE` (default $XDG_STATE_HOME/sluice/PROJECT.db; with --backend local, state.db in --local-dir)")
	cmd.Flags().StringVar(&o.revision, "revision", "", "Git `REVISION` to stamp (default: the checked-out commit)")
	cmd.Flags().BoolVar(&o.prune, "prune", false, "delete resources gone from the documents (stores are retained regardless)")
	cmd.Flags().BoolVar(&o.refresh, "refresh", true, "read the applied resources back from AWS to find drift")
	o.aws.flags(cmd)
	o.be.flags(cmd)
}

type planOptions struct {
	targetOptions
	format   string
	detailed bool
	out      string
	// rest is the command that prints the whole plan, which a shortened
	// markdown plan names.
	rest string
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
Sluice applied is rebuilt from the ownership tags AWS holds: a resource whose
spec-hash tag matches the documents is compared with the desired spec, so
drift made while the state file was gone still shows; one whose tag matches
nothing is planned as an update.

Each update lists the fields that differ, as paths with the value there now
and the value planned (spec.computeResources.maxvCpus: 16 → 64): against the
spec last applied for a change in Git, against the state read back after the
last apply for drift, where a value the service did not take counts as
drift. A resource changed in Git that also drifted lists both, the
drifted fields marked (drifted). Tags (Sluice's ownership tags included) and the deletion policy are
compared too; a change of the deletion policy alone is recorded without an
AWS call. Values of secrets show as (sensitive).

Invalid documents are held: what they produced before is neither updated nor
deleted, and the plan says so. --format markdown writes a pull-request
comment: the summary, then deletions and replacements (never cut), updates
with their fields, what is retained or held, and creations; one that would
pass GitHub's 65,536 characters is cut, creations first, saying how many
changes it left out and the command that prints them all. --format json
carries every field's values uncut.

--out FILE (Terraform's -out FILE works too) saves the plan for "sluice
apply FILE", which applies exactly it and refuses when it has gone stale.

--ref REF plans the files of a Git branch, tag or commit instead of the
checkout: "sluice plan --env staging --ref dev" shows what merging dev into
staging would change in AWS, and says whether that merge is a fast-forward.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.rest = restCommand(cmd)
			return o.run(cmd.Context(), g)
		},
	}
	o.flags(cmd)
	_ = cmd.Flags().MarkHidden("protected") // only apply changes databases
	outputFlag(cmd, &o.format, "text", "text", "json", "yaml", "markdown")
	cmd.Flags().StringVar(&o.ref, "ref", "", "plan the files of Git `REF` (a branch, tag or commit) instead of the checkout: what merging it would deploy")
	cmd.Flags().StringVar(&o.base, "base", "", "with --ref, the `BRANCH` it would be merged into, to say whether that is a fast-forward (default: the environment's name)")
	cmd.Flags().StringVar(&o.out, "out", "", "save the plan to `FILE`, for \"sluice apply FILE\" to apply exactly it")
	cmd.Flags().BoolVar(&o.detailed, "detailed-exitcode", false, "exit 2 when the plan has changes, 0 when it has none")
	return cmd
}

func (o *planOptions) run(ctx context.Context, g *globalOptions) (err error) {
	defer func() { err = o.detailedError(g, err) }()
	write, ok := map[string]func(*globalOptions, string, reconcile.Plan) error{
		"text": writePlanTerminal,
		"yaml": func(g *globalOptions, env string, p reconcile.Plan) error {
			return writeYAMLOut(g.stdout, planDocument(env, p))
		},
		"json": func(g *globalOptions, env string, p reconcile.Plan) error { return writePlanJSON(g.stdout, env, p) },
		"markdown": func(g *globalOptions, env string, p reconcile.Plan) error {
			return writePlanMarkdown(g.stdout, env, p, o.rest)
		},
	}[o.format]
	if !ok {
		return fmt.Errorf("unknown output format %q; use text, json, yaml or markdown", o.format)
	}
	if o.stateKey, err = localEnv(&o.env); err != nil {
		return err
	}
	defer func() { err = errors.Join(err, o.be.close()) }()
	var conn *awsEnv
	env := o.rolloutEnv(g, nil, &conn)
	// With --state given, the store opens before the repository loads,
	// and the inventory is read back from AWS meanwhile (see readAhead).
	var ahead *readAhead
	opened := o.state != ""
	if opened {
		if env.Store, err = openStoreReadOnly(o.state, nil); err != nil {
			return err
		}
		ahead = o.startReadAhead(ctx, env.Store, env)
		ahead.waitFirst(ctx)
	}
	run, err := o.desired(ctx, g)
	if err == nil && !opened {
		env.Store, err = openStoreReadOnly(o.state, run)
	}
	if env.Store != nil {
		defer func() { err = errors.Join(err, env.Store.Close()) }()
	}
	defer ahead.close() // before the store closes
	if err != nil {
		return err
	}
	read, err := ahead.options(ctx)
	if err != nil {
		return err
	}
	planned, err := env.Plan(ctx, run, append(o.planOptions(), read...)...)
	if err != nil {
		return err
	}
	if conn != nil && len(planned.Applied) > 0 && o.refresh {
		fmt.Fprintf(g.stderr, "AWS calls: %d (reading %d resources back)\n", totalCalls(conn), len(planned.Applied))
	}
	_ = writeText(g.stderr, run.Findings)
	if err := write(g, o.env, planned.Plan); err != nil {
		return err
	}
	if o.out != "" {
		if err := o.savePlan(g, run, planned.Plan); err != nil {
			return err
		}
	}
	if run.Findings.HasErrors() {
		return exitError{code: exitInvalid}
	}
	if o.detailed && !planned.Plan.Empty() {
		return exitError{code: 2}
	}
	return nil
}

// detailedError makes a failure exit 1 under --detailed-exitcode, where
// exit 2 means "changes" (a usage error is still reported first).
func (o *planOptions) detailedError(g *globalOptions, err error) error {
	var ee exitError
	if err == nil || !o.detailed || errors.As(err, &ee) {
		return err
	}
	fmt.Fprintln(g.stderr, "sluice:", err)
	return exitError{code: exitInvalid}
}

// rolloutEnv is the environment as the rollout drives it, connecting to
// AWS only when needed; conn is set to the connection when one is made.
func (o *targetOptions) rolloutEnv(g *globalOptions, store *statestore.Store, conn **awsEnv) *rollout.Env {
	return &rollout.Env{Name: o.env, StateKey: o.stateKey, Store: store, Local: o.be.local(),
		Notice: func(msg string) { fmt.Fprintln(g.stderr, msg) },
		Connect: func(ctx context.Context) (*rollout.Target, error) {
			if o.be.local() {
				workdir, err := o.be.checkoutDir(o.project, o.env)
				if err != nil {
					return nil, err
				}
				return o.be.connect(o.project, workdir)
			}
			env, err := o.aws.connect(ctx, o.env)
			if err != nil {
				return nil, err
			}
			*conn = env
			return o.aws.target(env), nil
		}}
}

// planOptions are the options of a plan, and of the plan an apply makes,
// as the flags say.
func (o *targetOptions) planOptions() []rollout.PlanOption {
	return []rollout.PlanOption{rollout.Prune(o.prune, false), rollout.Refresh(o.refresh)}
}

// desired loads and compiles the repository for the environment: the
// checkout or, with --ref, the tree of that Git reference.
func (o *targetOptions) desired(ctx context.Context, g *globalOptions) (d *rollout.Desired, err error) {
	defer func() {
		if err == nil {
			o.be.holdDatabases(d, func(msg string) { fmt.Fprintln(g.stderr, msg) })
			err = o.useProject(d.Project())
		}
	}()
	if o.ref == "" {
		return prepareEnv(ctx, g, o.env, o.revision)
	}
	d, _, err = refDesired(ctx, g, o.env, o.ref, o.revision)
	if err != nil {
		return nil, err
	}
	base := o.base
	if base == "" {
		base = o.env
	}
	reportPromotion(ctx, g.stderr, g.repo, o.ref, base)
	return d, nil
}

// useProject records the project's name and, on the local backend, makes
// the state file default to the one in its data directory.
func (o *targetOptions) useProject(project string) error {
	o.project = project
	if !o.be.local() || o.state != "" {
		return nil
	}
	state, err := o.be.localState(project)
	o.state = state
	return err
}

// openStoreReadOnly opens the state file read-only; a missing file is a
// nil store (the inventory is then rebuilt from ownership tags).
func openStoreReadOnly(path string, run *rollout.Desired) (*statestore.Store, error) {
	path, err := statePath(path, run)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return statestore.Open(path, statestore.Options{ReadOnly: true})
}

func statePath(path string, run *rollout.Desired) (string, error) {
	if path != "" {
		return path, nil
	}
	return defaultStatePath(run.Project())
}

// readInventory reads the inventory under key (the environment's state
// key) from the state file, read-only; a missing file is an empty
// inventory.
func readInventory(path, key string, run *rollout.Desired) ([]reconcile.Applied, error) {
	store, err := openStoreReadOnly(path, run)
	if err != nil || store == nil {
		return nil, err
	}
	applied, err := rollout.Inventory(store, key)
	return applied, errors.Join(err, store.Close())
}

// restCommand is the command that prints the whole plan cmd makes: the
// same command and flags, as text.
func restCommand(cmd *cobra.Command) string {
	args := []string{"sluice"}
	add := func(f *pflag.Flag) {
		if f.Name == "format" || f.Name == "output" || f.Name == "detailed-exitcode" || f.Name == "out" {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+f.Name, quoteArg(v))
			}
			return
		}
		if f.Value.Type() == "bool" {
			args = append(args, "--"+f.Name+"="+f.Value.String())
			return
		}
		args = append(args, "--"+f.Name, quoteArg(f.Value.String()))
	}
	// Only cmd.Flags() knows which flags were given (Visit walks those a
	// FlagSet itself set); the inherited ones go before the command.
	inherited := cmd.InheritedFlags()
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if inherited.Lookup(f.Name) != nil {
			add(f)
		}
	})
	args = append(args, cmd.Name())
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if inherited.Lookup(f.Name) == nil {
			add(f)
		}
	})
	return strings.Join(append(args, "--format", "text"), " ")
}

// quoteArg is s as one shell word.
func quoteArg(s string) string {
	if s == "" {
		return "''"
	}
	return shellQuote(s)
}
