package main

import (
	"fmt"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
)

// runsOptions are the options of "sluice runs list" and "runs show".
type runsOptions struct {
	clientOptions
	pipeline, status string
	limit            int
}

func newRunsCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List and show the runs the daemon recorded",
		Long: `Runs are recorded as they happen by the daemon's run store: PostgreSQL when
the daemon's configuration gives runs.postgresDSN, otherwise an embedded
database (runs.db beside its state file). They outlive daemon restarts.`,
	}
	cmd.AddCommand(newRunsListCmd(g), newRunsShowCmd(g), newRunsStopCmd(g), newRunsDiffCmd(g), newRunsResumeCmd(g))
	return cmd
}

func newRunsListCmd(g *globalOptions) *cobra.Command {
	o := &runsOptions{}
	cmd := &cobra.Command{
		Use:   "list --env ENV [--pipeline P] [--status S]",
		Short: "List an environment's runs, newest first",
		Example: `  sluice runs list --env dev
  sluice runs list --env dev --pipeline training --status FAILED --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{}
			for k, v := range map[string]string{"pipeline": o.pipeline, "status": o.status} {
				if v != "" {
					q.Set(k, v)
				}
			}
			if o.limit > 0 {
				q.Set("limit", fmt.Sprint(o.limit))
			}
			var runs []sluice.RunRecord
			if err := o.call(cmd.Context(), "GET", o.envPath("runs")+"?"+q.Encode(), nil, &runs); err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSONOut(g.stdout, runs)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RUN\tPIPELINE\tSTATUS\tSTARTED\tDURATION\tREVISION")
			for _, r := range runs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.12s\n", r.Name, r.Pipeline, r.Status, r.Started.Format(time.DateTime), duration(r.Started, r.Stopped), r.Revision)
			}
			return tw.Flush()
		},
	}
	o.flags(cmd, true)
	cmd.Flags().StringVar(&o.pipeline, "pipeline", "", "only runs of `PIPELINE`")
	cmd.Flags().StringVar(&o.status, "status", "", "only runs in `STATUS` (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED)")
	cmd.Flags().IntVar(&o.limit, "limit", 0, "at most `N` runs (default 100)")
	return cmd
}

func newRunsShowCmd(g *globalOptions) *cobra.Command {
	o := &runsOptions{}
	cmd := &cobra.Command{
		Use:   "show RUN --env ENV",
		Short: "Show a run: parameters, revision, each step's attempts and artifacts",
		Example: `  sluice runs show run-20261201-100000-a1b2c3 --env dev
  sluice runs show r1 --env dev --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r sluice.RunDetail
			if err := o.call(cmd.Context(), "GET", o.envPath("runs/"+url.PathEscape(args[0])), nil, &r); err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSONOut(g.stdout, r)
			}
			w := g.stdout
			fmt.Fprintf(w, "Run %s of %s in %s: %s\n", r.Name, r.Pipeline, r.Environment, r.Status)
			fmt.Fprintf(w, "  id:         %s\n  revision:   %s\n  parameters: %s\n  started:    %s (%s)\n", r.ID, r.Revision, r.Parameters,
				r.Started.Format(time.DateTime), duration(r.Started, r.Stopped))
			if r.Error != "" {
				fmt.Fprintf(w, "  error:      %s: %s\n", r.Error, r.Cause)
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "\nSTEP\tATTEMPT\tSTATUS\tDURATION\tEXIT\tOUTPUTS")
			for _, a := range r.Attempts {
				exit := "-"
				if a.ExitCode != nil {
					exit = fmt.Sprint(*a.ExitCode)
				}
				status := a.Status
				if a.OriginRun != "" {
					status += fmt.Sprintf(" (reused: %s attempt %d)", nameOf(a.OriginRun), a.OriginAttempt)
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", a.Path, a.Attempt, status, duration(a.Started, a.Stopped), exit, a.Outputs)
			}
			fmt.Fprintf(tw, "\nARTIFACT\tSIZE\tSTEP\t\t\t\n")
			for _, a := range r.Artifacts {
				fmt.Fprintf(tw, "%s\t%d\t%s\t\t\t\n", a.URI, a.Size, a.Path)
			}
			return tw.Flush()
		},
	}
	o.flags(cmd, true)
	return cmd
}

// duration is how long from start to stop, "running" when not stopped.
func duration(start, stop time.Time) string {
	if stop.IsZero() {
		return "running"
	}
	return stop.Sub(start).Round(time.Millisecond).String()
}
