package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
)

type runOptions struct {
	clientOptions
	params []string
	name   string
	detach bool
	poll   time.Duration
}

func newRunCmd(g *globalOptions) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run PIPELINE --env ENV [-p key=value]...",
		Short: "Run a deployed pipeline and follow it to the end",
		Long: `Run asks the daemon (--server) to start PIPELINE as deployed in ENV, on the
environment's backend (AWS Step Functions, or the local backend), and follows
it: each step as it starts and ends, the log of a step that failed.

-p key=value sets a parameter; a value that reads as JSON (42, 0.5, true,
[0.1, 0.3], {"a": 1}) is taken as such, anything else as a string. The
daemon checks them against the pipeline's declared parameters before the
run starts (undeclared names, wrong types, required ones missing) and
refuses the run with every problem named.

Exit status: 0 the run succeeded, 1 it failed, timed out or was aborted,
2 usage error or the run could not be started.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), g, args[0]) },
	}
	o.flags(cmd, true)
	cmd.Flags().StringArrayVarP(&o.params, "param", "p", nil, "a parameter `key=value` (repeatable)")
	cmd.Flags().StringVar(&o.name, "name", "", "the run's `NAME` (default: generated)")
	cmd.Flags().BoolVar(&o.detach, "detach", false, "start the run and exit without following it")
	cmd.Flags().DurationVar(&o.poll, "poll", time.Second, "how often to check on the run")
	return cmd
}

func (o *runOptions) run(ctx context.Context, g *globalOptions, pipeline string) error {
	params, err := parseParams(o.params)
	if err != nil {
		return err
	}
	var r daemon.Run
	path := o.envPath("pipelines/" + pipeline + "/runs")
	if err := o.call(ctx, http.MethodPost, path, daemon.RunRequest{Parameters: params, Name: o.name}, &r); err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "run %s of %s in %s started\n", r.Name, pipeline, o.env)
	if o.detach {
		return nil
	}
	r, err = o.follow(ctx, g.stdout, path+"/"+r.Name)
	if err != nil {
		return err
	}
	if r.Status != sluice.ExecutionSucceeded {
		return exitError{code: exitInvalid}
	}
	return nil
}

// follow polls the run until it ends, printing each step's changes.
func (o *runOptions) follow(ctx context.Context, w io.Writer, path string) (daemon.Run, error) {
	seen := map[string]string{}
	for {
		var r daemon.Run
		if err := o.call(ctx, http.MethodGet, path, nil, &r); err != nil {
			return r, err
		}
		printSteps(w, r.Steps, seen)
		if r.Done() {
			printEnd(w, r)
			return r, nil
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(o.poll):
		}
	}
}

// printSteps prints the steps whose status changed since seen.
func printSteps(w io.Writer, steps []sluice.StepRun, seen map[string]string) {
	for _, s := range steps {
		key := fmt.Sprintf("%s#%d", stepName(s), s.Attempt)
		if seen[key] == s.Status {
			continue
		}
		seen[key] = s.Status
		switch s.Status {
		case sluice.ExecutionRunning:
			fmt.Fprintf(w, "  ... %s started%s\n", stepName(s), attempt(s))
		case sluice.ExecutionSucceeded:
			fmt.Fprintf(w, "  ok  %s (%s)\n", stepName(s), s.Stopped.Sub(s.Started).Round(10*time.Millisecond))
		default:
			fmt.Fprintf(w, "  FAIL %s%s: %s\n", stepName(s), attempt(s), s.Error)
			if s.Cause != "" {
				fmt.Fprintf(w, "%s\n", indent(s.Cause))
			}
			if s.Log != "" {
				fmt.Fprintf(w, "       log: %s\n", s.Log)
			}
		}
	}
}

func stepName(s sluice.StepRun) string {
	if s.Path != "" {
		return s.Path
	}
	return s.State
}

func attempt(s sluice.StepRun) string {
	if s.Attempt > 1 {
		return fmt.Sprintf(" (attempt %d)", s.Attempt)
	}
	return ""
}

func indent(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "       " + l
	}
	return strings.Join(lines, "\n")
}

func printEnd(w io.Writer, r daemon.Run) {
	took := r.Stopped.Sub(r.Started).Round(10 * time.Millisecond)
	if r.Status == sluice.ExecutionSucceeded {
		fmt.Fprintf(w, "run %s SUCCEEDED in %s\n", r.Name, took)
		return
	}
	fmt.Fprintf(w, "run %s %s after %s: %s\n", r.Name, r.Status, took, r.Error)
	if r.Cause != "" {
		fmt.Fprintln(w, indent(r.Cause))
	}
}

// parseParams reads key=value pairs; a value that parses as JSON is
// taken as JSON, anything else as a string.
func parseParams(pairs []string) (map[string]any, error) {
	out := map[string]any{}
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("-p %q: want key=value", p)
		}
		var parsed any
		if err := json.Unmarshal([]byte(v), &parsed); err != nil {
			parsed = v
		}
		out[k] = parsed
	}
	return out, nil
}
