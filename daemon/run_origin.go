package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sluice-dev/sluice"
)

// originStarter is a runner that can start a run from a step of another
// run, reusing what that run did before it (the local backend; on AWS
// the daemon does it, run_origin_aws.go).
type originStarter interface {
	StartFromOrigin(ctx context.Context, stateMachine, name string, input json.RawMessage, originID, step string) (string, error)
}

// origin is the run a run from a step reuses: its ID, the runner that
// can start from it (nil on AWS, where the daemon copies what is reused)
// and its parameters (the new run takes them, those given replacing the
// same names), read before the run starts so that they are checked as
// the new run's (compile.CheckRunFrom).
type origin struct {
	starter originStarter
	id      string
	params  map[string]any
}

// originOf resolves the run req.Origin of pipeline (state machine arn)
// in w and reads its parameters. The origin is looked up in the run
// store when there is one, so that a run of another pipeline is named as
// such. It fails with a bad request when only one of Origin and From is
// given or the origin belongs to another pipeline; ErrConflict on AWS
// without a run store (the reused steps' results are found through it:
// "sluice runs resume" redrives a failed run instead); ErrNotFound for an
// unknown origin.
func (d *Daemon) originOf(ctx context.Context, w *envWorker, pipeline string, runner sluice.Runner, arn string, req RunRequest) (*origin, error) {
	if req.Origin == "" || req.From == "" {
		return nil, errBadRequest("a run from a step needs both the step (--from) and the run whose earlier steps it reuses (--origin)")
	}
	env := w.cfg.Name
	starter, _ := runner.(originStarter)
	if starter == nil && d.opts.Runs == nil {
		return nil, fmt.Errorf("%w: a run from a step of another run needs the run store, which this daemon has none of: "+
			"to go on from a failed run's failed step, sluice runs resume %s redrives it", ErrConflict, req.Origin)
	}
	o := &origin{starter: starter, id: strings.Replace(arn, ":stateMachine:", ":execution:", 1) + ":" + req.Origin}
	if strings.Contains(req.Origin, ":execution:") {
		o.id = req.Origin
	}
	if d.opts.Runs != nil {
		r, err := d.opts.Runs.Run(ctx, env, req.Origin)
		switch {
		case err == nil && r.Pipeline != pipeline:
			return nil, errBadRequest(fmt.Sprintf("run %s is a run of %s, not of %s: give a run of the same pipeline", r.Name, r.Pipeline, pipeline))
		case err == nil:
			o.id = r.ID
		case sluice.KindOf(err) != sluice.KindNotFound:
			return nil, storeError(err)
		}
	}
	e, err := runner.DescribeExecution(ctx, o.id)
	if sluice.KindOf(err) == sluice.KindNotFound {
		return nil, fmt.Errorf("%w: the origin run %s of %s does not exist in %s", ErrNotFound, req.Origin, pipeline, env)
	}
	if err != nil {
		return nil, runError(err)
	}
	var in struct {
		Parameters map[string]any `json:"parameters"`
	}
	dec := json.NewDecoder(bytes.NewReader(e.Input))
	dec.UseNumber()
	if len(e.Input) > 0 && dec.Decode(&in) != nil {
		in.Parameters = nil // the run itself says what is wrong with it
	}
	o.params = in.Parameters
	return o, nil
}

// startFromOrigin starts a run of pipeline (state machine arn) named
// req.Name that reuses the steps of the run o before req.From: through
// the backend's StartFromOrigin (the local backend), or on AWS
// (startFromOriginAWS), which also returns what the run reused, for the
// run store. It fails with a bad request when From is not a step of it,
// and ErrConflict when the origin cannot be reused.
func (d *Daemon) startFromOrigin(ctx context.Context, w *envWorker, pipeline string, o *origin, runner sluice.Runner, arn string,
	input json.RawMessage, req RunRequest) (string, *reuse, error) {
	if o.starter == nil {
		return d.startFromOriginAWS(ctx, w, pipeline, runner, arn, input, req)
	}
	id, err := o.starter.StartFromOrigin(ctx, arn, req.Name, input, o.id, req.From)
	var se *sluice.Error
	if sluice.KindOf(err) == sluice.KindInvalid && errors.As(err, &se) {
		return "", nil, errBadRequest(se.Err.Error())
	}
	return id, nil, err
}
