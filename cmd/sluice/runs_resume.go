package main

import (
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
)

// runsResumeOptions are the options of "sluice runs resume".
type runsResumeOptions struct {
	runsOptions
	name string
}

func newRunsResumeCmd(g *globalOptions) *cobra.Command {
	o := &runsResumeOptions{}
	cmd := &cobra.Command{
		Use:   "resume RUN --env ENV [--name NAME]",
		Short: "Resume a failed run from its failed step, reusing what succeeded",
		Long: `Resume starts a new run of the pipeline with the failed run's parameters in
which every step (and foreach copy) that succeeded in the failed run is not
run again: its artifacts are copied under the new run and its result handed
on, so the failed step and all that follows run. The new run records its
origin ("sluice runs show"). On AWS the run is redriven instead (Step
Functions' RedriveExecution): the same execution goes on from the states that
did not succeed, with the definition it started with; --name does not apply,
and a run Step Functions will not redrive (succeeded, ended over 14 days ago,
...) is refused with its reason. It needs the API token. ("sluice resume" is
another thing: it lifts an environment's suspension.)`,
		Example: `  sluice runs resume r1 --env dev --token-file api-token
  sluice runs resume r1 --env dev --name r1-fixed --format json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r sluice.RunRecord
			body := map[string]string{}
			if o.name != "" {
				body["name"] = o.name
			}
			if err := o.call(cmd.Context(), "POST", o.envPath("runs/"+url.PathEscape(args[0])+"/resume"), body, &r); err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSONOut(g.stdout, r)
			}
			if r.Origin == "" {
				_, err := fmt.Fprintf(g.stdout, "Run %s is redriven from its failed step; follow it with \"sluice runs show %s --env %s\".\n",
					r.Name, r.Name, o.env)
				return err
			}
			_, err := fmt.Fprintf(g.stdout, "Run %s resumes %s from its failed step; follow it with \"sluice runs show %s --env %s\".\n",
				r.Name, args[0], r.Name, o.env)
			return err
		},
	}
	o.flags(cmd, true)
	cmd.Flags().StringVar(&o.name, "name", "", "the new run's `NAME` (default: RUN-rHHMMSS)")
	return cmd
}
