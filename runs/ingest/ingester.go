package ingest

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// DefaultInterval is the time between two catch-up rounds: a round over
// a thousand state machines takes about eight minutes at Step
// Functions' ListExecutions quota, and events, not the listing, carry
// what happens in between.
const DefaultInterval = 15 * time.Minute

// Ingester runs one environment's ingestion: the drainer all the time,
// and a catch-up round over the environment's state machines at every
// interval.
type Ingester struct {
	Drainer *Drainer
	CatchUp *CatchUp
	// StateMachines returns the ARNs of the environment's deployed state
	// machines (its inventory's), read at each round.
	StateMachines func(ctx context.Context) ([]string, error)
	// Interval is the time between catch-up rounds, jittered by 5 %:
	// DefaultInterval when 0. The first round runs at once, from the
	// beginning of each state machine's listing (at most 90 days of
	// closed executions), and sets the cursors the next rounds start
	// from.
	Interval time.Duration
	// Tick, when set, starts each round instead of the timer (tests).
	Tick <-chan time.Time
	Log  *slog.Logger

	cursors map[string]time.Time
}

// Run drains and catches up until ctx is done, and returns ctx's error.
// A failed round (listing the state machines, or one state machine's
// listing) is logged and its cursors kept: the next round lists from
// where the last good one ended.
func (g *Ingester) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = g.Drainer.Run(ctx)
	}()
	defer wg.Wait()
	for {
		g.Round(ctx)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-g.next():
		}
	}
}

// Round lists each state machine's executions from its cursor once, and
// moves the cursors. It returns how many state machines it listed.
func (g *Ingester) Round(ctx context.Context) int {
	if g.cursors == nil {
		g.cursors = map[string]time.Time{}
	}
	arns, err := g.StateMachines(ctx)
	if err != nil {
		g.logger().Warn("catch-up: listing the state machines failed", "err", err)
		return 0
	}
	listed := 0
	for _, arn := range arns {
		if ctx.Err() != nil {
			return listed
		}
		since, err := g.CatchUp.StateMachine(ctx, arn, g.cursors[arn])
		if err != nil {
			g.logger().Warn("catch-up: listing executions failed", "stateMachine", arn, "err", err)
			continue
		}
		g.cursors[arn] = since
		listed++
	}
	return listed
}

// next returns when the next round starts.
func (g *Ingester) next() <-chan time.Time {
	if g.Tick != nil {
		return g.Tick
	}
	d := g.Interval
	if d <= 0 {
		d = DefaultInterval
	}
	jitter := time.Duration((rand.Float64()*2 - 1) * 0.05 * float64(d))
	return time.After(d + jitter)
}

func (g *Ingester) logger() *slog.Logger {
	if g.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return g.Log.With("component", "ingest")
}
