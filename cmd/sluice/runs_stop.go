package main

import (
	"fmt"
	"net/url"

	"github.com/spf13/cobra"
)

func newRunsStopCmd(g *globalOptions) *cobra.Command {
	o := &runsOptions{}
	cmd := &cobra.Command{
		Use:     "stop RUN --env ENV",
		Short:   "Stop a running run: its jobs are killed and it ends ABORTED (local backend)",
		Example: `  sluice runs stop r1 --env dev --token-file api-token`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var out map[string]string
			if err := o.call(cmd.Context(), "POST", o.envPath("runs/"+url.PathEscape(args[0])+"/stop"), struct{}{}, &out); err != nil {
				return err
			}
			if o.format == "json" {
				return writeJSONOut(g.stdout, out)
			}
			_, err := fmt.Fprintf(g.stdout, "Stop requested for run %s; \"sluice runs show %s --env %s\" shows how it ended.\n", out["run"], out["run"], o.env)
			return err
		},
	}
	o.flags(cmd, true)
	return cmd
}
