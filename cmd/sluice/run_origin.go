package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	return starter.StartFromOrigin(ctx, arn, name, input, o.originID(arn), o.fromOrigin.from)
}

// originID is the execution ID of --origin: as given when it is one,
// else the run of that name of the state machine arn.
func (o *runOptions) originID(arn string) string {
	if origin := o.fromOrigin.origin; strings.Contains(origin, ":execution:") {
		return origin
	}
	return strings.Replace(arn, ":stateMachine:", ":execution:", 1) + ":" + o.fromOrigin.origin
}

// originParameters returns the parameters the --origin run started with,
// (a run of pipeline, whose state machine is arn), which a run from its
// step takes (those given with -p replacing them),
// so that they are checked before the run starts; nil without --origin.
// An origin that does not exist is an error naming it.
func (o *runOptions) originParameters(ctx context.Context, runner sluice.Runner, pipeline, arn string) (map[string]any, error) {
	if o.fromOrigin.origin == "" {
		return nil, nil
	}
	e, err := runner.DescribeExecution(ctx, o.originID(arn))
	if sluice.KindOf(err) == sluice.KindNotFound {
		return nil, fmt.Errorf("--origin %s: the origin run %s of %s does not exist in %s", o.fromOrigin.origin, o.fromOrigin.origin, pipeline, o.env)
	}
	if err != nil {
		return nil, err
	}
	var in struct {
		Parameters map[string]any `json:"parameters"`
	}
	dec := json.NewDecoder(bytes.NewReader(e.Input))
	dec.UseNumber()
	if len(e.Input) > 0 && dec.Decode(&in) != nil {
		return nil, nil // the run itself says what is wrong with its input
	}
	return in.Parameters, nil
}
