package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
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
			return writeOutput(g.stdout, o.format, entries, func() error { return writeHistory(g, entries) })
		},
	}
	o.flags(cmd, true)
	return cmd
}

// writeHistory prints history entries as a table fitted to the terminal.
func writeHistory(g *globalOptions, entries []statestore.Entry) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tREVISION\tRESULT\tCREATED\tUPDATED\tDELETED\tUNCHANGED")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\n", e.Time.Format("2006-01-02 15:04:05Z"), e.Revision, e.Result,
			e.Created, e.Updated, e.Deleted, e.Unchanged)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(g.stdout, g.terminal().fit(b.String()))
	return err
}

// actionCmd is a command that changes an environment through the API and
// prints its status afterwards.
type actionCmd struct {
	use, short, long, path string
	// revision: the command takes a REVISION argument, or the flag
	// revisionFlag when set.
	revision     bool
	revisionFlag string
	// planFlag: the command takes --plan HASH, the plan approved.
	planFlag bool
}

func newActionCmd(g *globalOptions, a actionCmd) *cobra.Command {
	o := &clientOptions{}
	args := cobra.NoArgs
	if a.revision && a.revisionFlag == "" {
		args = cobra.ExactArgs(1)
	}
	var rev, plan string
	cmd := &cobra.Command{
		Use: a.use, Short: a.short, Long: a.long, Args: args,
		RunE: func(cmd *cobra.Command, args []string) error {
			if a.revisionFlag != "" {
				args = []string{rev}
			}
			return o.act(cmd.Context(), g, a.path, args, plan)
		},
	}
	o.flags(cmd, true)
	if a.planFlag {
		cmd.Flags().StringVar(&plan, "plan", "", "the `HASH` of the plan approved, as \"sluice status --env ENV\" shows it: nothing is applied unless the plan is still that one")
	}
	if a.revisionFlag != "" {
		cmd.Flags().StringVar(&rev, a.revisionFlag, "", "the `REVISION` to go back to")
		_ = cmd.MarkFlagRequired(a.revisionFlag)
	}
	return cmd
}

func (o *clientOptions) act(ctx context.Context, g *globalOptions, path string, args []string, plan string) error {
	var body any
	if len(args) == 1 {
		b := map[string]string{"revision": args[0]}
		if plan != "" {
			b["hash"] = plan
		}
		body = b
	}
	var s daemon.Status
	if err := o.call(ctx, http.MethodPost, o.envPath(path), body, &s); err != nil {
		var refused *apiError
		if errors.As(err, &refused) && refused.pending != nil {
			return o.planChanged(g, refused)
		}
		return err
	}
	return writeOutput(g.stdout, o.format, s, func() error { return writeStatuses(g, []daemon.Status{s}, false) })
}

// planChanged prints the plan now waiting after an approval refused
// because the plan changed, and returns the refusal.
func (o *clientOptions) planChanged(g *globalOptions, refused *apiError) error {
	p := refused.pending
	if o.format != "text" {
		return errors.Join(writeOutput(g.stdout, o.format, p, nil), refused)
	}
	fmt.Fprintf(g.stdout, "The plan changed; nothing was applied. The plan now waiting (revision %.12s, plan %.12s):\n", p.Revision, p.Hash)
	if err := writePlanText(g.stdout, o.env, p.Plan); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "Approve it with: sluice approve --env %s %.12s --plan %.12s\n", o.env, p.Revision, p.Hash)
	return refused
}

// actionCmds are approve, rollback, suspend and resume.
func actionCmds(g *globalOptions) []*cobra.Command {
	return []*cobra.Command{
		newActionCmd(g, actionCmd{use: "approve --env ENV REVISION [--plan HASH]", path: "approve", revision: true, planFlag: true,
			short: "Apply the plan waiting for approval of REVISION (sync: manual)",
			long: `Approve applies the plan a sync: manual environment computed for REVISION
(the full hash or at least 7 characters of it), and only that plan: the daemon
plans again, reading AWS back, and applies nothing unless the plan is the one
that waited (and, with --plan, the one whose hash "sluice status --env ENV"
showed you). It refuses when no plan waits for that revision, when the branch
has moved since, or when the plan changed (AWS changed, or the plan waiting is
not the one given): the new plan is printed, and waits for its own approval.`}),
		newActionCmd(g, actionCmd{use: "rollback --env ENV --to REVISION", path: "rollback", revision: true, revisionFlag: "to",
			short: "Re-apply a revision from the environment's history and hold it there",
			long: `Rollback re-applies a revision the environment applied before and holds the
environment at it: newer heads of its branch are not applied until
"sluice resume --env ENV". See docs/rollback.md.`}),
		newActionCmd(g, actionCmd{use: "suspend --env ENV", path: "suspend",
			short: "Stop automatic reconciles of an environment until resume",
			long: `Suspend stops the daemon from applying an environment's branch (and from
correcting drift) until "sluice resume --env ENV". It is about deployments:
runs go on. To stop a run: "sluice runs stop RUN --env ENV".`}),
		newActionCmd(g, actionCmd{use: "resume --env ENV", path: "resume",
			short: "Lift a suspension or a rollback's hold: the branch head is applied again",
			long: `Resume lifts an environment's suspension or a rollback's hold: the daemon
applies its branch head again. It is about deployments, not runs: the runs
of a pipeline are under "sluice runs" (list, show, diff, stop), with "sluice
logs", "sluice artifacts" and "sluice lineage"; to resume a failed run from
its failed step: "sluice runs resume RUN --env ENV".`}),
	}
}
