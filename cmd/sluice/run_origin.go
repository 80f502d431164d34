package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon"
)

// originOptions are the options of "sluice run" that start a run from a
// step of another run (Metaflow's resume --origin-run-id).
type originOptions struct {
	from, origin string
}

// flags registers --from and --origin.
func (o *originOptions) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.from, "from", "", "with --origin, the `STEP` to run from (on AWS a top-level step, not one inside a split or foreach): the steps that do not follow it reuse the origin run's artifacts and results")
	cmd.Flags().StringVar(&o.origin, "origin", "", "with --from, the `RUN` whose steps before --from are reused; the new run takes its parameters, -p overriding them")
}

// check refuses one of --from and --origin without the other.
func (o *originOptions) check() error {
	if (o.from == "") != (o.origin == "") {
		return errors.New("--from STEP and --origin RUN go together: the run reuses what RUN did before STEP and runs STEP and what follows")
	}
	return nil
}

// runRequest is the request that starts a run through the daemon.
func (o *runOptions) runRequest(params map[string]any) daemon.RunRequest {
	return daemon.RunRequest{Parameters: params, Name: o.name, Origin: o.fromOrigin.origin, From: o.fromOrigin.from}
}

// localStarter is a runner that can start a run from a step of another
// run (the local backend).
type localStarter interface {
	StartFromOrigin(ctx context.Context, stateMachine, name string, input json.RawMessage, originID, step string) (string, error)
}

// startExecution starts the run on the local backend: a fresh one, or
// one from --from with --origin's earlier steps reused.
func (o *runOptions) startExecution(ctx context.Context, runner sluice.Runner, arn, name string, input json.RawMessage) (string, error) {
	if o.fromOrigin.origin == "" {
		return runner.StartExecution(ctx, arn, name, input)
	}
	starter, ok := runner.(localStarter)
	if !ok {
		return "", errors.New("this backend cannot start a run from a step of another run")
	}
	origin := o.fromOrigin.origin
	if !strings.Contains(origin, ":execution:") {
		origin = strings.Replace(arn, ":stateMachine:", ":execution:", 1) + ":" + origin
	}
	return starter.StartFromOrigin(ctx, arn, name, input, origin, o.fromOrigin.from)
}
