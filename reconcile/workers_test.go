package reconcile_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
)

// gatedBackend holds every state machine creation until the job
// definitions have all been created: a stand-in for Step Functions'
// creation quota (one a second) running out while Batch still has room.
type gatedBackend struct {
	*memBackend
	jobDefs, want int
	released      chan struct{}
}

func (g *gatedBackend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	if t.Type == sluice.TypeStateMachine {
		select {
		case <-g.released:
		case <-time.After(20 * time.Second):
			return sluice.Observation{}, errors.New("job definitions still not created: they queue behind state machines")
		}
		return g.memBackend.Create(ctx, t)
	}
	obs, err := g.memBackend.Create(ctx, t)
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.Type == sluice.TypeJobDefinition {
		if g.jobDefs++; g.jobDefs == g.want {
			close(g.released)
		}
	}
	return obs, err
}

// TestApplyWorkersPerType: with one worker, state machines held up do
// not keep job definitions from being created; each type has its own.
func TestApplyWorkersPerType(t *testing.T) {
	w := newWorld()
	g := &gatedBackend{memBackend: w.backend, want: 3, released: make(chan struct{})}
	for typ := range w.applier.Backends {
		w.applier.Backends[typ] = g
	}
	w.applier.Workers = 1
	desired := []sluice.Resource{
		owned("StateMachine/a", "p-dev-a", "1"),
		owned("StateMachine/b", "p-dev-b", "1"),
		owned("JobDefinition/x.a", "p-dev-x-a", "1"),
		owned("JobDefinition/x.b", "p-dev-x-b", "1"),
		owned("JobDefinition/x.c", "p-dev-x-c", "1"),
	}
	for _, r := range w.cycle(t, desired, true) {
		if r.Err != nil {
			t.Errorf("%s: %v", r.Change.ID, r.Err)
		}
	}
}
