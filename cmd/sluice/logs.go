package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/internal/pause"
)

// logsOptions are the options of "sluice logs".
type logsOptions struct {
	clientOptions
	attempt int
	follow  bool
	// wait pauses a follower caught up with the log; tests count the
	// pauses instead of sleeping.
	wait func(ctx context.Context, d time.Duration) error
}

// How long a follower caught up with a log waits before asking again:
// from minLogWait, doubling while nothing comes, up to maxLogWait; a
// part with text resets it.
const (
	minLogWait = 500 * time.Millisecond
	maxLogWait = 5 * time.Second
)

func newLogsCmd(g *globalOptions) *cobra.Command {
	o := &logsOptions{wait: pause.For}
	cmd := &cobra.Command{
		Use:   "logs RUN [STEP] --env ENV [--attempt N] [--follow]",
		Short: "Print a step's log from a recorded run, or follow it as it runs",
		Long: `Prints the log of a step of a run the daemon recorded, through its API (a
read token or the API token): a file on the local backend, the Batch job's
CloudWatch Logs stream on AWS. Without --attempt, the step's last attempt;
inside a foreach, give the copy's path (start.foreach/2/work) to pick one.
Of a local file at most its last 4 MiB; of a CloudWatch stream at most its
first 4 MiB (--follow reads it all).

Without STEP, the log of every attempt of the run, each under a heading.

With --follow, prints the logs from their beginning and then what the
steps write: without STEP, of every step of the run, each attempt's
lines prefixed with its step, foreach copy and attempt ([work/2 attempt 1]),
as attempts start, until the run has ended and every attempt's log is
read to its end; with STEP, of that step's attempts, retries included,
each new attempt under a heading (==> fit attempt 2 <==), until the run
has ended or, for a step outside any foreach, its last attempt succeeded
(a failed attempt may be retried: its follower waits for the next one
while the run runs); with --attempt, of that attempt only, until it has
ended. A step that has not started yet is waited for while the run runs.
Each look reads the run once and, on AWS, costs one GetLogEvents call per
attempt still running; caught up, it looks again after 0.5 s, doubling
up to 5 s while nothing comes. On AWS, lines the container wrote just
before it ended may reach CloudWatch Logs after Batch reports the job
ended, too late for the follower: sluice logs without --follow reads them.`,
		Example: `  sluice logs r1 --env dev
  sluice logs r1 train --env dev
  sluice logs r1 train --env dev --attempt 1
  sluice logs r1 train --env dev --follow
  sluice logs r1 --env dev --follow`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			step := ""
			if len(args) == 2 {
				step = args[1]
			}
			switch {
			case step == "" && o.attempt > 0:
				return errors.New("--attempt needs a STEP")
			case o.follow:
				return o.followRun(cmd.Context(), g.stdout, args[0], step)
			case step == "":
				return o.allSteps(cmd.Context(), g.stdout, args[0])
			}
			resp, err := o.getLog(cmd.Context(), o.logPath(args[0], args[1], o.attempt, nil))
			if err != nil {
				return err
			}
			defer func() { _ = resp.Body.Close() }()
			_, err = io.Copy(g.stdout, resp.Body)
			return err
		},
	}
	o.flags(cmd, true)
	cmd.Flags().IntVar(&o.attempt, "attempt", 0, "the attempt `N` (default: the last)")
	cmd.Flags().BoolVarP(&o.follow, "follow", "f", false, "print what the run's steps (or STEP's attempts) write until they end")
	return cmd
}

// logPath is the API path of a step's log; q adds query parameters.
func (o *logsOptions) logPath(run, step string, attempt int, q url.Values) string {
	if q == nil {
		q = url.Values{}
	}
	if attempt > 0 {
		q.Set("attempt", strconv.Itoa(attempt))
	}
	path := o.envPath("runs/" + url.PathEscape(run) + "/steps/" + url.PathEscape(step) + "/log")
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

// getLog GETs path with the token, when there is one, and returns the
// answer when it is 200.
func (o *logsOptions) getLog(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(o.server, "/")+path, nil)
	if err != nil {
		return nil, err
	}
	if token, err := o.token(); err == nil {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reach the daemon at %s: %w", o.server, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer func() { _ = resp.Body.Close() }()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, &apiError{status: resp.Status, msg: strings.TrimSpace(string(b))}
	}
	return resp, nil
}

// allSteps prints the log of every attempt of run, in the order they
// started, each under a heading; an attempt without a log says why.
func (o *logsOptions) allSteps(ctx context.Context, w io.Writer, run string) error {
	var d sluice.RunDetail
	if err := o.call(ctx, http.MethodGet, o.envPath("runs/"+url.PathEscape(run)), nil, &d); err != nil {
		return err
	}
	if len(d.Attempts) == 0 {
		fmt.Fprintf(w, "run %s has no step attempts yet (%s)\n", d.Name, d.Status)
		return nil
	}
	for _, a := range d.Attempts {
		fmt.Fprintf(w, "==> %s (attempt %d, %s) <==\n", a.Path, a.Attempt, a.Status)
		resp, err := o.getLog(ctx, o.logPath(run, a.Path, a.Attempt, nil))
		var api *apiError
		if errors.As(err, &api) {
			fmt.Fprintf(w, "(no log: %s)\n", api.msg)
			continue
		}
		if err != nil {
			return err
		}
		_, err = io.Copy(w, resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
