package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/statestore"
)

// newStateCmd is `sluice state`, the commands that look after a state
// file.
func newStateCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "state",
		Short: "Look after a state file",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newStateCheckCmd(g))
	return cmd
}

// stateCheckOptions are the flags of `sluice state check`.
type stateCheckOptions struct {
	state  string
	format string
}

func newStateCheckCmd(g *globalOptions) *cobra.Command {
	o := &stateCheckOptions{}
	cmd := &cobra.Command{
		Use:   "check [--state FILE]",
		Short: "Check a state file's consistency, format and contents",
		Long: `Check opens a state file read-only and checks it: bbolt's own consistency
check (pages, free list), the file's format version, and that every record,
pending operation, history entry and environment meta decodes. It prints the
format and what each environment holds. A corrupt, empty or unreadable file is
reported with what to do, never a crash.

The file is opened with a shared lock: stop the daemon that holds it, or check
a copy taken while it was stopped.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd.Context(), g) },
	}
	cmd.Flags().StringVar(&o.state, "state", "", "state `FILE` (default $XDG_STATE_HOME/sluice/PROJECT.db, PROJECT from --repo)")
	outputFlag(cmd, &o.format, "text", "text", "json", "yaml")
	return cmd
}

func (o *stateCheckOptions) run(ctx context.Context, g *globalOptions) error {
	path, err := o.path(ctx, g)
	if err != nil {
		return err
	}
	r, err := statestore.CheckFile(path, statestore.Options{})
	if err != nil {
		return err
	}
	if err := writeOutput(g.stdout, o.format, r, func() error { return writeStateReport(g.stdout, r) }); err != nil {
		return err
	}
	if len(r.Problems) > 0 {
		return exitError{code: exitInvalid}
	}
	return nil
}

// path is --state, else the CLI's default state file of the project at
// --repo.
func (o *stateCheckOptions) path(ctx context.Context, g *globalOptions) (string, error) {
	if o.state != "" {
		return o.state, nil
	}
	snap, err := loadRepo(ctx, g)
	if err != nil {
		return "", err
	}
	if snap.Project == nil || snap.Project.Name == "" {
		return "", errors.New("no --state given and no project at --repo to name the default state file")
	}
	return defaultStatePath(snap.Project.Name)
}

// writeStateReport prints r: the file, its format, a table of the
// environments' counts, and the problems found or that there are none.
func writeStateReport(w io.Writer, r statestore.Report) error {
	fmt.Fprintf(w, "state file %s (%d bytes), format %d\n", r.Path, r.Size, r.Format)
	if len(r.Environments) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ENVIRONMENT\tRESOURCES\tPENDING OPS\tHISTORY\tMETA")
		for _, e := range r.Environments {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%v\n", e.Name, e.Resources, e.Ops, e.History, e.Meta)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if len(r.Problems) == 0 {
		_, err := fmt.Fprintln(w, "ok: no problems found")
		return err
	}
	fmt.Fprintf(w, "%d problem(s):\n", len(r.Problems))
	for _, p := range r.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
	return nil
}
