package reconcile_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
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

// busyBackend answers the first creations of one name with a waiting
// error, as Batch answers a queue whose compute environment is still
// being created.
type busyBackend struct {
	*memBackend
	name  string
	busy  int
	waits []string
}

func (b *busyBackend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	b.mu.Lock()
	if t.Name == b.name && b.busy > 0 {
		b.busy--
		b.mu.Unlock()
		return sluice.Observation{}, sluice.Waiting(time.Millisecond, errors.New("compute environment not valid yet"))
	}
	b.mu.Unlock()
	return b.memBackend.Create(ctx, t)
}

// TestApplyFollowsWaitingChanges: with FollowUntil, a waiting queue is
// created again in the same apply once its wait is over, and the state
// machine that needs it follows; without, the queue is left waiting and
// the state machine not attempted.
func TestApplyFollowsWaitingChanges(t *testing.T) {
	desired := []sluice.Resource{
		owned("JobQueue/q", "p-dev-q", "1"),
		owned("StateMachine/a", "p-dev-a", "1", "JobQueue/q"),
	}
	for _, follow := range []bool{false, true} {
		w := newWorld()
		b := &busyBackend{memBackend: w.backend, name: "p-dev-q", busy: 2}
		for typ := range w.applier.Backends {
			w.applier.Backends[typ] = b
		}
		if follow {
			w.applier.FollowUntil = time.Now().Add(time.Minute)
			w.applier.OnWait = func(c reconcile.Change, _ error, _ time.Duration) { b.waits = append(b.waits, string(c.ID)) }
		}
		failed := 0
		for _, r := range w.cycle(t, desired, true) {
			if r.Err != nil {
				failed++
				if d, _ := sluice.RetryOf(r.Err); d != sluice.RetryWaiting {
					t.Errorf("follow=%v: %s: %v, want waiting", follow, r.Change.ID, r.Err)
				}
			}
		}
		switch {
		case follow && (failed != 0 || len(b.waits) != 2):
			t.Errorf("following: %d changes left waiting, waits told %v; want none left and the queue's two waits told", failed, b.waits)
		case !follow && failed != 2:
			t.Errorf("not following: %d changes left waiting, want the queue and the state machine", failed)
		}
	}
}
