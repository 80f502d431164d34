package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/daemon"
)

func newStatusCmd(g *globalOptions) *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "status [--env ENV]",
		Short: "Show the sync state of the daemon's environments",
		Long: `Status asks a running daemon (--server) for the state of every environment,
or of one with --env: the branch head it saw, the revision applied, why it is
in its state, a plan waiting for approval, and every file or document held
at its last applied state with the finding that holds it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.status(cmd.Context(), g) },
	}
	o.flags(cmd, false)
	cmd.Flags().StringVar(&o.env, "env", "", "only environment `ENV`")
	return cmd
}

func (o *clientOptions) status(ctx context.Context, g *globalOptions) error {
	var list []daemon.Status
	if o.env == "" {
		if err := o.call(ctx, http.MethodGet, "/api/v1/environments", nil, &list); err != nil {
			return err
		}
	} else {
		var s daemon.Status
		if err := o.call(ctx, http.MethodGet, o.envPath(""), nil, &s); err != nil {
			return err
		}
		list = []daemon.Status{s}
	}
	return writeOutput(g.stdout, o.format, list, func() error { return writeStatuses(g, list, o.env != "") })
}

// writeStatuses prints a table of environments, fitted to the terminal
// (the message last, so cut first), and, for one environment, its
// details whole.
func writeStatuses(g *globalOptions, list []daemon.Status, details bool) error {
	var table strings.Builder
	tw := tabwriter.NewWriter(&table, 0, 4, 2, ' ', 0)
	repos := manyRepositories(list)
	if repos {
		fmt.Fprint(tw, "REPOSITORY\t")
	}
	fmt.Fprintln(tw, "ENVIRONMENT\tBRANCH\tSTATE\tAPPLIED\tHEAD\tMESSAGE")
	for _, s := range list {
		if repos {
			fmt.Fprintf(tw, "%s\t", s.Repository)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.12s\t%.12s\t%s\n", s.Environment, s.Branch, s.State, s.Applied, s.Head, s.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	w := g.stdout
	if _, err := io.WriteString(w, g.terminal().fit(table.String())); err != nil {
		return err
	}
	for _, s := range list {
		if !details {
			break
		}
		if s.Pending != nil {
			fmt.Fprintf(w, "\nWaiting for approval: revision %s, plan %.12s (sluice approve --env %s %.12s --plan %.12s)\n",
				s.Pending.Revision, s.Pending.Hash, s.Environment, s.Pending.Revision, s.Pending.Hash)
			if err := writePlanText(w, s.Environment, s.Pending.Plan); err != nil {
				return err
			}
		}
		for _, what := range slices.Sorted(maps.Keys(s.Held)) {
			fmt.Fprintf(w, "held: %s: %s\n", what, s.Held[what])
		}
		if len(s.Runs) > 0 {
			fmt.Fprintln(w, "\nRecent runs:")
			for _, r := range s.Runs {
				fmt.Fprintf(w, "  %s  %-20s %-30s %s\n", r.Started.UTC().Format("2006-01-02 15:04:05Z"), r.Pipeline, r.Name, r.Status)
			}
		}
	}
	return nil
}

// manyRepositories reports whether list spans more than one repository:
// the status table then says which each environment is of.
func manyRepositories(list []daemon.Status) bool {
	for _, s := range list {
		if s.Repository != list[0].Repository {
			return true
		}
	}
	return false
}
