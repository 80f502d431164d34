package ingest_test

import (
	"context"
	"errors"
	"sync"

	"github.com/sluice-dev/sluice/runs/ingest"
)

// memSink records what it is given, keyed by execution ARN and job id,
// keeping the newest status as a run store must (events come at least
// once and in any order); failures, when set, fail that many writes
// first.
type memSink struct {
	mu         sync.Mutex
	executions map[string]ingest.ExecutionEvent
	jobs       map[string]ingest.JobEvent
	writes     int
	failures   int
}

func newSink() *memSink {
	return &memSink{executions: map[string]ingest.ExecutionEvent{}, jobs: map[string]ingest.JobEvent{}}
}

var errSink = errors.New("store unavailable")

func (s *memSink) UpsertExecution(_ context.Context, e ingest.ExecutionEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failures > 0 {
		s.failures--
		return errSink
	}
	s.writes++
	if old, ok := s.executions[e.ExecutionARN]; !ok || old.Status == "RUNNING" || !e.Stopped.IsZero() {
		s.executions[e.ExecutionARN] = e
	}
	return nil
}

func (s *memSink) UpsertJob(_ context.Context, e ingest.JobEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failures > 0 {
		s.failures--
		return errSink
	}
	s.writes++
	if old, ok := s.jobs[e.JobID]; !ok || jobRank(e.Status) >= jobRank(old.Status) {
		s.jobs[e.JobID] = e
	}
	return nil
}

// jobRank orders a Batch job's states as they follow one another, so
// that a state delivered late does not replace a later one.
func jobRank(status string) int {
	for i, s := range []string{"SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING"} {
		if s == status {
			return i
		}
	}
	return 5 // SUCCEEDED, FAILED
}
