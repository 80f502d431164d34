package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/sluice-dev/sluice"
)

// exitDetached is the exit code of a sluice run that Ctrl-C detached
// from its run, which goes on: 130, as a shell reports a command ended
// by SIGINT.
const exitDetached = 130

// interrupts returns a context that ends on Ctrl-C (SIGINT) or SIGTERM,
// so that sluice run detaches from the run, which goes on, instead of
// dying without saying how to come back.
func interrupts(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}

// attach follows the run o.attachTo as sluice run does. Without
// pipeline, the run store says which pipeline it is of.
func (o *runOptions) attach(ctx context.Context, g *globalOptions, pipeline string) error {
	if o.be.local() {
		return errors.New("--attach follows a run through the daemon; --backend local runs end with their sluice run")
	}
	sig, stop := interrupts(ctx)
	defer stop()
	name := o.attachTo
	if pipeline == "" {
		var d sluice.RunDetail
		if err := o.call(ctx, http.MethodGet, o.envPath("runs/"+url.PathEscape(name)), nil, &d); err != nil {
			return fmt.Errorf("find run %s: %w (give its PIPELINE when the daemon records no runs)", name, err)
		}
		pipeline, name = d.Pipeline, d.Name
	}
	progress := o.progress(g)
	fmt.Fprintf(progress, "attached to run %s of %s in %s\n", name, pipeline, o.env)
	return o.watch(ctx, sig, g, progress, pipeline, name)
}

// watch follows the run name of pipeline until it ends, or until sig
// ends (Ctrl-C): then it says the run goes on and how to attach to it
// again, and exits 130.
func (o *runOptions) watch(ctx, sig context.Context, g *globalOptions, progress *terminalWriter, pipeline, name string) error {
	r, err := o.follow(sig, progress, o.envPath("pipelines/"+pipeline+"/runs/"+name))
	if err != nil && ctx.Err() == nil && sig.Err() != nil {
		fmt.Fprintf(progress, "detached from run %s, which goes on; attach to it again with:\n  %s\n", name, o.attachCommand(pipeline, name))
		return exitError{code: exitDetached}
	}
	if err != nil {
		return err
	}
	return o.ended(g, r)
}

// attachCommand is the command that attaches to the run name again.
func (o *runOptions) attachCommand(pipeline, name string) string {
	args := []string{"sluice", "run", pipeline, "--attach", name, "--env", o.env, "--server", o.server}
	if o.tokenFile != "" {
		args = append(args, "--token-file", o.tokenFile)
	}
	if o.format != "text" {
		args = append(args, "--format", o.format)
	}
	for i, a := range args {
		if strings.ContainsAny(a, " '\"$\\") {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(args, " ")
}
