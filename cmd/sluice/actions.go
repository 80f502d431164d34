package main

import (
	"context"
	"fmt"
	"net/http"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/statestore"
)

func newHistoryCmd(g *globalOptions) *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "history --env ENV",
		Short: "List the revisions a daemon applied to an environment, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var entries []statestore.Entry
			if err := o.call(cmd.Context(), http.MethodGet, o.envPath("history"), nil, &entries); err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSONOut(g.stdout, entries)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TIME\tREVISION\tRESULT\tCREATED\tUPDATED\tDELETED\tUNCHANGED")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\n", e.Time.Format("2006-01-02 15:04:05Z"), e.Revision, e.Result,
					e.Created, e.Updated, e.Deleted, e.Unchanged)
			}
			return tw.Flush()
		},
	}
	o.flags(cmd, true)
	return cmd
}

// actionCmd is a command that changes an environment through the API and
// prints its status afterwards.
type actionCmd struct {
	use, short, long, path string
	// revision: the command takes a REVISION argument, or the flag
	// revisionFlag when set.
	revision     bool
	revisionFlag string
}

func newActionCmd(g *globalOptions, a actionCmd) *cobra.Command {
	o := &clientOptions{}
	args := cobra.NoArgs
	if a.revision && a.revisionFlag == "" {
		args = cobra.ExactArgs(1)
	}
	var rev string
	cmd := &cobra.Command{
		Use: a.use, Short: a.short, Long: a.long, Args: args,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.revisionFlag != "" {
				args = []string{rev}
			}
			return o.act(cmd.Context(), g, a.path, args)
		},
	}
	o.flags(cmd, true)
	if a.revisionFlag != "" {
		cmd.Flags().StringVar(&rev, a.revisionFlag, "", "the `REVISION` to go back to")
		_ = cmd.MarkFlagRequired(a.revisionFlag)
	}
	return cmd
}

func (o *clientOptions) act(ctx context.Context, g *globalOptions, path string, args []string) error {
	var body any
	if len(args) == 1 {
		body = map[string]string{"revision": args[0]}
	}
	var s daemon.Status
	if err := o.call(ctx, http.MethodPost, o.envPath(path), body, &s); err != nil {
		return err
	}
	if o.format == "json" {
		return writeJSONOut(g.stdout, s)
	}
	return writeStatuses(g.stdout, []daemon.Status{s}, false)
}

// actionCmds are approve, rollback, suspend and resume.
func actionCmds(g *globalOptions) []*cobra.Command {
	return []*cobra.Command{
		newActionCmd(g, actionCmd{use: "approve --env ENV REVISION", path: "approve", revision: true,
			short: "Apply the plan waiting for approval of REVISION (sync: manual)",
			long: `Approve applies the plan a sync: manual environment computed for REVISION
(the full hash or at least 7 characters of it). It refuses when no plan waits
for that revision or when the branch has moved since: approve the new plan
once "sluice status --env ENV" shows it.`}),
		newActionCmd(g, actionCmd{use: "rollback --env ENV --to REVISION", path: "rollback", revision: true, revisionFlag: "to",
			short: "Re-apply a revision from the environment's history and hold it there",
			long: `Rollback re-applies a revision the environment applied before and holds the
environment at it: newer heads of its branch are not applied until
"sluice resume --env ENV". See docs/rollback.md.`}),
		newActionCmd(g, actionCmd{use: "suspend --env ENV", path: "suspend",
			short: "Stop automatic reconciles of an environment until resume"}),
		newActionCmd(g, actionCmd{use: "resume --env ENV", path: "resume",
			short: "Lift a suspension or a rollback's hold: the branch head is applied again"}),
	}
}
