package main

import (
	"fmt"
	"net/http"

	"github.com/spf13/cobra"
)

// newSyncCmd is "sluice sync --env ENV": ask the daemon to reconcile an
// environment now, with a drift check (Argo CD's and Flux's sync and
// reconcile), instead of at its next poll.
func newSyncCmd(g *globalOptions) *cobra.Command {
	o := &clientOptions{}
	cmd := &cobra.Command{
		Use:   "sync --env ENV",
		Short: "Reconcile an environment now, with a drift check, instead of at the next poll",
		Long: `Sync asks the daemon to fetch the environment's branch and reconcile it now,
reading AWS back for drift, as a webhook would. It returns once the request is
taken: the reconcile goes on in the daemon; "sluice status --env ENV" shows
its outcome. A sync: manual environment still waits for "sluice approve".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var answer map[string]string
			if err := o.call(cmd.Context(), http.MethodPost, o.envPath("sync"), nil, &answer); err != nil {
				return err
			}
			return writeOutput(g.stdout, o.format, answer, func() error {
				_, err := fmt.Fprintf(g.stdout, "%s: %s; see it with: sluice status --env %s\n", o.env, answer["status"], o.env)
				return err
			})
		},
	}
	o.flags(cmd, true)
	return cmd
}
