package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	beat   time.Duration
	state  string
	be     backendOptions
	// stateKey is the key of the environment's state with --backend
	// local (see localEnv).
	stateKey string
	// fromOrigin are --from and --origin (run_origin.go).
	fromOrigin originOptions
	// attachTo is the run --attach follows.
	attachTo string
}

func newRunCmd(g *globalOptions) *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run PIPELINE --env ENV [-p key=value]... | run [PIPELINE] --attach RUN --env ENV",
		Short: "Run a deployed pipeline and follow it to the end",
		Long: `Run asks the daemon (--server) to start PIPELINE as deployed in ENV, on the
environment's backend (AWS Step Functions, or the local backend), and follows
it: each step as it starts and ends, the log of a step that failed. While
steps run, their elapsed times show on a live line on a terminal, and
otherwise as a plain line every --heartbeat, so a log shows the run is
alive during a long step. Ctrl-C detaches: the run goes on, and run prints
the command that attaches to it again and exits 130. --attach RUN follows a
run already going (started by run, the API or a schedule) the same way.

With --backend local there is no daemon: the pipeline as "sluice apply
--backend local" last deployed it runs on this machine, its steps in a copy
of the files that apply deployed (not the working tree), and run follows it
to the end (Ctrl-C stops it).

With -o json or -o yaml, the progress goes to standard error and the run's
record (its status, steps, errors and output) to standard output.

-p key=value sets a parameter; a value that reads as JSON (42, 0.5, true,
[0.1, 0.3], {"a": 1}) is taken as such, anything else as a string. The
daemon checks them against the pipeline's declared parameters before the
run starts (undeclared names, wrong types, required ones missing) and
refuses the run with every problem named.`,
		Args: cobra.RangeArgs(0, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.attachTo != "" {
				return o.attach(cmd.Context(), g, strings.Join(args, ""))
			}
			if len(args) != 1 {
				return errors.New("give the PIPELINE to run, or --attach RUN")
			}
			return o.run(cmd.Context(), g, args[0])
		},
	}
	o.flags(cmd, true)
	cmd.Flags().StringArrayVarP(&o.params, "param", "p", nil, "a parameter `key=value` (repeatable)")
	cmd.Flags().StringVar(&o.name, "name", "", "the run's `NAME` (default: generated)")
	cmd.Flags().BoolVar(&o.detach, "detach", false, "start the run and exit without following it")
	cmd.Flags().StringVar(&o.attachTo, "attach", "", "follow the running `RUN` (its name) instead of starting one")
	cmd.Flags().DurationVar(&o.poll, "poll", time.Second, "how often to check on the run")
	cmd.Flags().DurationVar(&o.beat, "heartbeat", time.Minute, "when not on a terminal, how often to print the running steps' elapsed times (on a terminal a live line shows them)")
	cmd.Flags().StringVar(&o.state, "state", "", "with --backend local, the state `FILE` apply wrote (default: in --local-dir)")
	o.be.flags(cmd)
	o.fromOrigin.flags(cmd)
	return cmd
}

func (o *runOptions) run(ctx context.Context, g *globalOptions, pipeline string) error {
	params, err := parseParams(o.params)
	if err != nil {
		return err
	}
	if err := o.fromOrigin.check(); err != nil {
		return err
	}
	if o.be.local() {
		return o.runLocal(ctx, g, pipeline, params)
	}
	progress := o.progress(g)
	// Ctrl-C from here on detaches: the run, once started, goes on.
	sig, stop := interrupts(ctx)
	defer stop()
	var r daemon.Run
	path := o.envPath("pipelines/" + pipeline + "/runs")
	if err := o.call(ctx, http.MethodPost, path, o.runRequest(params), &r); err != nil {
		return notStarted(err)
	}
	fmt.Fprintf(progress, "run %s of %s in %s started\n", r.Name, pipeline, o.env)
	if o.detach {
		return writeOutput(g.stdout, o.format, r, func() error { return nil })
	}
	return o.watch(ctx, sig, g, progress, pipeline, r.Name)
}

// ended prints a run's record for -o json|yaml and returns its exit
// code: 0 when it succeeded, 1 otherwise.
func (o *runOptions) ended(g *globalOptions, r daemon.Run) error {
	if err := writeOutput(g.stdout, o.format, r, func() error { return nil }); err != nil {
		return err
	}
	if r.Status != sluice.ExecutionSucceeded {
		return exitError{code: exitInvalid}
	}
	return nil
}

// progress is where a run's progress goes: standard output for text,
// standard error when standard output carries JSON or YAML.
func (o *runOptions) progress(g *globalOptions) *terminalWriter {
	if o.format == "text" {
		return &terminalWriter{Writer: g.stdout, term: g.terminal()}
	}
	return &terminalWriter{Writer: g.stderr, term: newTerminal(g.stderr)}
}

// follow polls the run until it ends, printing each step's changes.
func (o *runOptions) follow(ctx context.Context, w *terminalWriter, path string) (daemon.Run, error) {
	v := newWatcher(w, o.beat)
	for {
		var r daemon.Run
		if err := o.call(ctx, http.MethodGet, path, nil, &r); err != nil {
			v.clear()
			return r, err
		}
		v.update(r.Execution)
		if r.Done() {
			v.end(r)
			return r, nil
		}
		select {
		case <-ctx.Done():
			v.clear()
			return r, ctx.Err()
		case <-time.After(o.poll):
		}
	}
}

// printSteps prints the steps whose status changed since seen.
func printSteps(w *terminalWriter, steps []sluice.StepRun, seen map[string]string) {
	t := w.term
	for _, s := range steps {
		key := fmt.Sprintf("%s#%d", stepName(s), s.Attempt)
		if seen[key] == s.Status {
			continue
		}
		seen[key] = s.Status
		switch s.Status {
		case sluice.ExecutionRunning:
			fmt.Fprintf(w, "  %s %s started%s\n", t.mark("▶", "...", colorInfo), stepName(s), attempt(s))
		case sluice.ExecutionSucceeded:
			fmt.Fprintf(w, "  %s  %s (%s)\n", t.mark("✓", "ok", colorGood), stepName(s), s.Stopped.Sub(s.Started).Round(10*time.Millisecond))
		default:
			fmt.Fprintf(w, "  %s %s%s: %s\n", t.mark("✗", "FAIL", colorBad), stepName(s), attempt(s), s.Error)
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

func printEnd(w *terminalWriter, r daemon.Run) {
	took := r.Stopped.Sub(r.Started).Round(10 * time.Millisecond)
	if r.Status == sluice.ExecutionSucceeded {
		fmt.Fprintf(w, "run %s %s in %s\n", r.Name, w.term.paint("SUCCEEDED", colorGood), took)
		return
	}
	fmt.Fprintf(w, "run %s %s after %s: %s\n", r.Name, w.term.paint(r.Status, colorBad), took, r.Error)
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
