package sfn

import (
	"context"
	"errors"

	"github.com/sluice-dev/sluice"
)

// ResumeExecution redrives the execution id (an ARN) from its failed
// states, as Redrive does, and returns its ARN: a redrive goes on in the
// same execution, so name must be empty. It fails with a *sluice.Error
// of KindInvalid wrapping ErrNotRedrivable, with Step Functions' reason,
// when its rules do not allow the redrive, and KindConflict when the
// client cannot redrive.
func (e *Executions) ResumeExecution(ctx context.Context, id, name string) (string, error) {
	const op = "sfn.ResumeExecution"
	if name != "" {
		return "", sluice.E(op, sluice.KindInvalid, errors.New("a redriven execution keeps its name: resume it without one"))
	}
	api, ok := e.api.(RedriveAPI)
	if !ok {
		return "", sluice.E(op, sluice.KindConflict, errors.New("this Step Functions client cannot redrive executions"))
	}
	if _, err := Redrive(ctx, api, id); err != nil {
		return "", err
	}
	return id, nil
}
