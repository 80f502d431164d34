package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/daemon"
	"github.com/sluice-dev/sluice/rollout"
)

// terminalWriter is a writer with what is known of the terminal behind
// it, for colours and symbols.
type terminalWriter struct {
	io.Writer
	term *terminal
}

// runLocal runs pipeline as the local backend last deployed it in the
// environment, without a daemon, and follows it to the end.
func (o *runOptions) runLocal(ctx context.Context, g *globalOptions, pipeline string, params map[string]any) (err error) {
	if o.stateKey, err = localEnv(&o.env); err != nil {
		return err
	}
	snap, err := loadRepo(ctx, g)
	if err != nil {
		return err
	}
	if snap.Project == nil {
		return invalid(g, snap.Diagnostics)
	}
	project := snap.Project.Name
	arn, err := o.deployedARN(project, pipeline)
	if err != nil {
		return err
	}
	workdir, err := o.be.checkoutDir(project, o.env)
	if err != nil {
		return err
	}
	if _, err := os.Stat(workdir); err != nil {
		return fmt.Errorf("no deployed files for %s in %s (%w): run sluice apply --env %s --backend local first", o.env, workdir, err, o.env)
	}
	target, err := o.be.connect(project, workdir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, o.be.close()) }()
	origin, err := o.originParameters(ctx, target.Runner, pipeline, arn)
	if err != nil {
		return err
	}
	if err := o.checkLocalParameters(ctx, workdir, pipeline, params, origin); err != nil {
		return err
	}
	return o.startLocal(ctx, g, target.Runner, arn, pipeline, params)
}

// startLocal starts the run and follows it.
func (o *runOptions) startLocal(ctx context.Context, g *globalOptions, runner sluice.Runner, arn, pipeline string, params map[string]any) error {
	input, err := json.Marshal(map[string]any{"parameters": params})
	if err != nil {
		return err
	}
	name := o.name
	if name == "" {
		// As the daemon names runs: the time, and a random part so that
		// two runs started in one second have different names.
		suffix := make([]byte, 3)
		_, _ = rand.Read(suffix)
		name = "run-" + time.Now().UTC().Format("20060102-150405") + "-" + hex.EncodeToString(suffix)
	}
	id, err := o.startExecution(ctx, runner, arn, name, input)
	if err != nil {
		return err
	}
	progress := o.progress(g)
	fmt.Fprintf(progress, "run %s of %s in %s started (local backend)\n", name, pipeline, o.env)
	v := newWatcher(progress, o.beat)
	for {
		e, err := runner.DescribeExecution(ctx, id)
		if err != nil {
			v.clear()
			return err
		}
		v.update(e)
		if e.Done() {
			v.end(daemon.Run{Environment: o.env, Pipeline: pipeline, Execution: e})
			return o.ended(g, daemon.Run{Environment: o.env, Pipeline: pipeline, Execution: e})
		}
		select {
		case <-ctx.Done():
			v.clear()
			return ctx.Err()
		case <-time.After(o.poll):
		}
	}
}

// deployedARN is the ARN of pipeline's state machine in the local
// backend's inventory of the environment.
func (o *runOptions) deployedARN(project, pipeline string) (arn string, err error) {
	path := o.state
	if path == "" {
		if path, err = o.be.localState(project); err != nil {
			return "", err
		}
	}
	store, err := openStoreReadOnly(path, nil)
	if err != nil {
		return "", err
	}
	if store == nil {
		return "", fmt.Errorf("nothing is deployed in %s on the local backend (no state file %s): run sluice apply --env %s --backend local first", o.env, path, o.env)
	}
	defer func() { err = errors.Join(err, store.Close()) }()
	applied, err := rollout.Inventory(store, o.stateKey)
	if err != nil {
		return "", err
	}
	want := sluice.ResourceID(string(sluice.TypeStateMachine) + "/" + pipeline)
	for _, a := range applied {
		if a.ID == want && a.ARN != "" {
			return a.ARN, nil
		}
	}
	return "", fmt.Errorf("pipeline %s is not deployed in %s on the local backend: run sluice apply --env %s --backend local", pipeline, o.env, o.env)
}

// checkLocalParameters refuses, before the run starts, parameters that
// the deployed pipeline (the copy of the files apply deployed, in
// workdir) does not take or that do not fit AWS's limits, with the
// messages the daemon gives (compile.CheckRun). A run from another
// run's step (origin not nil: that run's parameters) is checked with the
// origin's parameters, params replacing them (compile.CheckRunFrom).
func (o *runOptions) checkLocalParameters(ctx context.Context, workdir, pipeline string, params, origin map[string]any) error {
	deployed, err := loadRepo(ctx, &globalOptions{repo: workdir})
	if err != nil {
		return fmt.Errorf("reading the deployed files in %s: %w", workdir, err)
	}
	spec := compile.RunDeclarations(compile.Input{Project: deployed.Project, Documents: deployed.Documents, Env: o.env}, pipeline)
	problems := compile.CheckRun(spec, params)
	if origin != nil {
		problems = compile.CheckRunFrom(spec, origin, params)
	}
	if len(problems) > 0 {
		return fmt.Errorf("the run was not started: %s", strings.Join(problems, "; "))
	}
	return nil
}
