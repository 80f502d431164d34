package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
)

// logsOptions are the options of "sluice logs".
type logsOptions struct {
	clientOptions
	attempt int
}

func newLogsCmd(g *globalOptions) *cobra.Command {
	o := &logsOptions{}
	cmd := &cobra.Command{
		Use:   "logs RUN STEP --env ENV [--attempt N]",
		Short: "Print a step's log from a recorded run (local backend)",
		Long: `Prints the log of a step of a run the daemon recorded, through its API (a
read token or the API token). Without --attempt, the step's last attempt;
inside a foreach, give the copy's path (start.foreach/2/work) to pick one.
At most the log's last 4 MiB. Logs of runs on AWS are in CloudWatch Logs:
the daemon does not serve them yet.`,
		Example: `  sluice logs r1 train --env dev
  sluice logs r1 train --env dev --attempt 1`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := o.envPath("runs/" + url.PathEscape(args[0]) + "/steps/" + url.PathEscape(args[1]) + "/log")
			if o.attempt > 0 {
				path += fmt.Sprintf("?attempt=%d", o.attempt)
			}
			req, err := http.NewRequestWithContext(cmd.Context(), http.MethodGet, strings.TrimSuffix(o.server, "/")+path, nil)
			if err != nil {
				return err
			}
			if token, err := o.token(); err == nil {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("reach the daemon at %s: %w", o.server, err)
			}
			defer func() { _ = resp.Body.Close() }()
			if resp.StatusCode != http.StatusOK {
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
				return &apiError{status: resp.Status, msg: strings.TrimSpace(string(b))}
			}
			_, err = io.Copy(g.stdout, resp.Body)
			return err
		},
	}
	o.flags(cmd, true)
	cmd.Flags().IntVar(&o.attempt, "attempt", 0, "the attempt `N` (default: the last)")
	return cmd
}
