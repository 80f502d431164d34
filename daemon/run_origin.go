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
// run, reusing what that run did before it (the local backend).
type originStarter interface {
	StartFromOrigin(ctx context.Context, stateMachine, name string, input json.RawMessage, originID, step string) (string, error)
}

// startFromOrigin starts a run of pipeline (state machine arn) named
// req.Name that reuses the steps of the run req.Origin before req.From.
// The origin is looked up in the run store when there is one, so that a
// run of another pipeline is named as such. It fails with a bad request
// when only one of Origin and From is given, the origin belongs to
// another pipeline or From is not a step; ErrConflict when the backend
// cannot do it (AWS: "sluice runs resume" redrives a failed run
// instead) or the origin cannot be reused; ErrNotFound for an unknown
// origin.
func (d *Daemon) startFromOrigin(ctx context.Context, env, pipeline string, runner sluice.Runner, arn string, input json.RawMessage, req RunRequest) (string, error) {
	if req.Origin == "" || req.From == "" {
		return "", errBadRequest("a run from a step needs both the step (--from) and the run whose earlier steps it reuses (--origin)")
	}
	starter, ok := runner.(originStarter)
	if !ok {
		return "", fmt.Errorf("%w: environment %s's backend cannot start a run from a step of another run (run --from --origin works on the local backend); "+
			"to go on from a failed run's failed step, sluice runs resume %s redrives it", ErrConflict, env, req.Origin)
	}
	originID := strings.Replace(arn, ":stateMachine:", ":execution:", 1) + ":" + req.Origin
	if strings.Contains(req.Origin, ":execution:") {
		originID = req.Origin
	}
	if d.opts.Runs != nil {
		r, err := d.opts.Runs.Run(ctx, env, req.Origin)
		switch {
		case err == nil && r.Pipeline != pipeline:
			return "", errBadRequest(fmt.Sprintf("run %s is a run of %s, not of %s: give a run of the same pipeline", r.Name, r.Pipeline, pipeline))
		case err == nil:
			originID = r.ID
		case sluice.KindOf(err) != sluice.KindNotFound:
			return "", storeError(err)
		}
	}
	id, err := starter.StartFromOrigin(ctx, arn, req.Name, input, originID, req.From)
	var se *sluice.Error
	if sluice.KindOf(err) == sluice.KindInvalid && errors.As(err, &se) {
		return "", errBadRequest(se.Err.Error())
	}
	return id, err
}
