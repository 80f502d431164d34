package asl

import (
	"encoding/json"
	"time"
)

// Event is one entry of an execution's history.
type Event struct {
	// Seq numbers the events of an execution from 1, in the order they
	// happened.
	Seq  int
	Time time.Time
	// Type is one of the Event* constants.
	Type string
	// State is the state's name, Path its place with the enclosing Map
	// and Parallel states and iteration or branch indexes
	// ("shard.foreach/3/predict"); both empty for execution events.
	State, Path string
	// Input and Output are the data the event carries: a state's raw
	// input and output, a task's parameters and result, an iteration's
	// input and output. Events carrying the same data share its memory:
	// treat them as read-only.
	Input, Output json.RawMessage
	// Error and Cause describe a failure.
	Error, Cause string
	// Attempt is a task's try, from 1; for a retry event, the try about
	// to start.
	Attempt int
	// Delay is how long a retry or a Wait state waits.
	Delay time.Duration
}

// Types of events.
const (
	EventExecutionStarted   = "ExecutionStarted"
	EventExecutionSucceeded = "ExecutionSucceeded"
	EventExecutionFailed    = "ExecutionFailed"
	EventExecutionTimedOut  = "ExecutionTimedOut"
	EventExecutionAborted   = "ExecutionAborted"
	// EventStateEntered and EventStateExited frame every state; a state
	// whose failure a Catch handled exits with Error and Cause set.
	EventStateEntered = "StateEntered"
	EventStateExited  = "StateExited"
	// EventStateFailed is a state's failure no Catch handled.
	EventStateFailed   = "StateFailed"
	EventTaskStarted   = "TaskStarted"
	EventTaskSucceeded = "TaskSucceeded"
	EventTaskFailed    = "TaskFailed"
	// EventTaskRetried is a failed task about to be tried again after
	// Delay; EventStateRetried the same for a Parallel or Map state.
	EventTaskRetried  = "TaskRetried"
	EventStateRetried = "StateRetried"
	EventWaitStarted  = "WaitStarted"
	// Map iterations and Parallel branches.
	EventMapIterationStarted   = "MapIterationStarted"
	EventMapIterationSucceeded = "MapIterationSucceeded"
	EventMapIterationFailed    = "MapIterationFailed"
	EventParallelBranchStarted = "ParallelBranchStarted"
)

// emit stamps an event, adds it to the history and shows it to the
// observer.
func (r *run) emit(e Event) {
	t := r.opts.Clock()
	r.mu.Lock()
	defer r.mu.Unlock()
	e.Seq, e.Time = len(r.events)+1, t
	r.events = append(r.events, e)
	if r.opts.Observer != nil {
		r.opts.Observer(e)
	}
}

func (r *run) history() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}
