package daemon

import (
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

// startFromOrigin starts a run of pipeline (state machine arn) named
// req.Name that reuses the steps of the run req.Origin before req.From.
// The origin is looked up in the run store when there is one, so that a
// run of another pipeline is named as such. It fails with a bad request
// when only one of Origin and From is given, the origin belongs to
// another pipeline or From is not a step; ErrConflict when the origin
// cannot be reused; ErrNotFound for an unknown origin. On AWS
// (startFromOriginAWS) it also returns what the run reused, for the run
// store.
func (d *Daemon) startFromOrigin(ctx context.Context, w *envWorker, pipeline string, runner sluice.Runner, arn string, input json.RawMessage, req RunRequest) (string, *reuse, error) {
	if req.Origin == "" || req.From == "" {
		return "", nil, errBadRequest("a run from a step needs both the step (--from) and the run whose earlier steps it reuses (--origin)")
	}
	starter, ok := runner.(originStarter)
	if !ok {
		return d.startFromOriginAWS(ctx, w, pipeline, runner, arn, input, req)
	}
	env := w.cfg.Name
	originID := strings.Replace(arn, ":stateMachine:", ":execution:", 1) + ":" + req.Origin
	if strings.Contains(req.Origin, ":execution:") {
		originID = req.Origin
	}
	if d.opts.Runs != nil {
		r, err := d.opts.Runs.Run(ctx, env, req.Origin)
		switch {
		case err == nil && r.Pipeline != pipeline:
			return "", nil, errBadRequest(fmt.Sprintf("run %s is a run of %s, not of %s: give a run of the same pipeline", r.Name, r.Pipeline, pipeline))
		case err == nil:
			originID = r.ID
		case sluice.KindOf(err) != sluice.KindNotFound:
			return "", nil, storeError(err)
		}
	}
	id, err := starter.StartFromOrigin(ctx, arn, req.Name, input, originID, req.From)
	var se *sluice.Error
	if sluice.KindOf(err) == sluice.KindInvalid && errors.As(err, &se) {
		return "", nil, errBadRequest(se.Err.Error())
	}
	return id, nil, err
}
