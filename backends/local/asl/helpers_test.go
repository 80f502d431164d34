package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// MustParse parses a definition or fails the test.
func MustParse(tb testing.TB, def string) *asl.Machine {
	tb.Helper()
	m, err := asl.Parse([]byte(def))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return m
}

// runnerFunc adapts a function to asl.TaskRunner.
type runnerFunc func(ctx context.Context, t asl.Task) (json.RawMessage, error)

func (f runnerFunc) RunTask(ctx context.Context, t asl.Task) (json.RawMessage, error) {
	return f(ctx, t)
}

// recorder is a TaskRunner that records the tasks it is handed and
// answers with what reply returns (the parameters when reply is nil).
type recorder struct {
	mu    sync.Mutex
	tasks []asl.Task
	reply func(t asl.Task) (json.RawMessage, error)
}

func (r *recorder) RunTask(ctx context.Context, t asl.Task) (json.RawMessage, error) {
	r.mu.Lock()
	r.tasks = append(r.tasks, t)
	r.mu.Unlock()
	if r.reply == nil {
		return t.Parameters, nil
	}
	return r.reply(t)
}

func (r *recorder) states() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, len(r.tasks))
	for i, t := range r.tasks {
		out[i] = t.Path
	}
	return out
}

// sleeper records the waits an execution asks for and returns at once.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.waits)
}

// testOptions gives a fixed clock, a recording sleeper and a seeded
// random source.
func testOptions(runner asl.TaskRunner) (asl.Options, *sleeper) {
	s := &sleeper{}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return asl.Options{Runner: runner, Sleep: s.Sleep, Rand: rand.New(rand.NewPCG(1, 2)),
		Clock: func() time.Time { return start }}, s
}

// execute runs def on input and returns its output or failure.
func execute(tb testing.TB, def, input string, opts asl.Options) (string, []asl.Event, error) {
	tb.Helper()
	out, events, err := MustParse(tb, def).Execute(context.Background(), "run-1", json.RawMessage(input), opts)
	return string(out), events, err
}

// failureOf returns err's *asl.Failure, failing the test when it is none.
func failureOf(tb testing.TB, err error) *asl.Failure {
	tb.Helper()
	var f *asl.Failure
	if !errors.As(err, &f) {
		tb.Fatalf("error %v (%T) is not an *asl.Failure", err, err)
	}
	return f
}

// jsonEqual reports whether two JSON texts mean the same.
func jsonEqual(tb testing.TB, got, want string) bool {
	tb.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		tb.Fatalf("output %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		tb.Fatalf("expected %q is not JSON: %v", want, err)
	}
	return deepEqual(g, w)
}

func deepEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// eventsOf returns the events of one type.
func eventsOf(events []asl.Event, typ string) []asl.Event {
	var out []asl.Event
	for _, e := range events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// quoteJSON returns s as a JSON string.
func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// parseOnly parses a definition.
func parseOnly(def string) (*asl.Machine, error) { return asl.Parse([]byte(def)) }
