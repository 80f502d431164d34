package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
)

// plainRunner is a runner that can only start and describe runs, as the
// AWS backend's is.
type plainRunner struct{}

func (plainRunner) StartExecution(context.Context, string, string, json.RawMessage) (string, error) {
	return "", errors.New("not expected")
}

func (plainRunner) DescribeExecution(context.Context, string) (sluice.Execution, error) {
	return sluice.Execution{}, errors.New("not expected")
}

// TestOriginRefusals: a request with only one of origin and
// from is a bad request; a backend that cannot reuse another run's steps
// on AWS without a run store is a conflict that names what exists
// instead.
func TestOriginRefusals(t *testing.T) {
	d := &Daemon{}
	const arn = "arn:aws:states:us-east-1:1:stateMachine:demo-prod-training"
	for _, c := range []struct {
		req  RunRequest
		is   func(error) bool
		want string
	}{
		{RunRequest{Origin: "r1"}, func(err error) bool { var b errBadRequest; return errors.As(err, &b) }, "needs both the step (--from)"},
		{RunRequest{From: "evaluate"}, func(err error) bool { var b errBadRequest; return errors.As(err, &b) }, "needs both"},
		{RunRequest{Origin: "r1", From: "evaluate"}, func(err error) bool { return errors.Is(err, ErrConflict) },
			"sluice runs resume r1 redrives it"},
	} {
		_, err := d.originOf(context.Background(), &envWorker{cfg: config.Environment{Name: "prod"}}, "training", plainRunner{}, arn, c.req)
		if err == nil || !c.is(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want an error naming %q", c.req, err, c.want)
		}
	}
}
