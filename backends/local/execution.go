package local

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local/asl"
)

const (
	// executionsDir holds the execution records, one directory per
	// state machine.
	executionsDir = "executions"
	// flushEvery is how often a running execution's record is written
	// when it changed.
	flushEvery = 100 * time.Millisecond
	// maxMachines bounds the cache of parsed definitions.
	maxMachines = 256
	// maxInput is Step Functions' payload limit, which an execution's
	// input may not exceed.
	maxInput = 256 * 1024
)

// ErrClosed is returned (wrapped) by StartExecution once the World has
// been closed.
var ErrClosed = errors.New("the local backend is closed")

var _ sluice.Runner = (*World)(nil)

// executions are the executions a World runs and what they share. The
// zero value is ready to use.
type executions struct {
	mu sync.Mutex
	// ctx ends when the World is closed; every execution runs under it.
	ctx    context.Context
	cancel context.CancelFunc
	closed bool
	wg     sync.WaitGroup
	// live are the executions running, by ARN.
	live map[string]*liveExecution
	// machines are parsed definitions, by the hash of their text.
	machines map[[sha256.Size]byte]*asl.Machine
	// errs are the final records Close reports as not written.
	errs []error
}

// StartExecution starts an execution named name of the state machine
// stateMachine (a name or an ARN) with input (empty: {}), and returns
// its ARN, arn:aws:states:local:000000000000:execution:MACHINE:NAME,
// without waiting for it. An empty name is replaced by a random UUID, as
// Step Functions does. The execution runs in the background under the
// World, not under ctx: it outlives the request that started it and ends
// (ABORTED) when the World is closed. Its record is
// DATA/executions/MACHINE/NAME.json.
//
// It fails with a *sluice.Error of KindNotFound when the state machine
// does not exist; KindInvalid for a name Step Functions would refuse,
// input that is not JSON or exceeds 256 KiB, a definition the
// interpreter cannot run, or a closed World (ErrClosed); KindConflict
// when the state machine already had an execution of that name
// (Step Functions' ExecutionAlreadyExists).
func (w *World) StartExecution(ctx context.Context, stateMachine, name string, input json.RawMessage) (string, error) {
	return w.startExecution(ctx, stateMachine, name, input, nil)
}

// startExecution starts an execution as StartExecution says; one with an
// origin reuses the origin's succeeded steps (execution_resume.go).
func (w *World) startExecution(ctx context.Context, stateMachine, name string, input json.RawMessage, from *origin) (string, error) {
	const op = "local.StartExecution"
	if err := ctx.Err(); err != nil {
		return "", sluice.E(op, sluice.KindTransient, err)
	}
	sm, err := w.StateMachine(stateMachine)
	if err != nil {
		return "", sluice.E(op, sluice.KindOf(err), err)
	}
	if name == "" {
		name = newJobID()
	}
	input, err = executionInput(name, input)
	if err != nil {
		return "", sluice.E(op, sluice.KindInvalid, err)
	}
	m, err := w.runs.machine(sm.Definition)
	if err != nil {
		return "", sluice.E(op, sluice.KindInvalid, fmt.Errorf("state machine %s: %w", sm.Name, err))
	}
	le := newLiveExecution(w.executionPath(sm.Name, name), sluice.Execution{
		ID: executionARN(sm.Name, name), Name: name, StateMachine: sm.ARN,
		Status: sluice.ExecutionRunning, Started: time.Now().UTC(), Input: input,
	})
	le.run, le.origin = runRecord(sm, le.rec), from
	if from != nil {
		le.run.Origin = from.id
	}
	runCtx, err := w.admit(le)
	if err != nil {
		return "", err
	}
	w.recordRun(le)
	runCtx, le.cancel = context.WithCancel(runCtx)
	go w.runExecution(runCtx, le, m)
	return le.rec.ID, nil
}

// executionInput checks an execution's name and input and returns the
// input as compact JSON ({} when empty).
func executionInput(name string, input json.RawMessage) (json.RawMessage, error) {
	if err := checkExecutionName(name); err != nil {
		return nil, err
	}
	if len(input) == 0 {
		return json.RawMessage("{}"), nil
	}
	if len(input) > maxInput {
		return nil, fmt.Errorf("input of %d bytes exceeds the 256 KiB limit", len(input))
	}
	b, err := compactJSON(input)
	if err != nil {
		return nil, fmt.Errorf("input is not JSON: %w", err)
	}
	return b, nil
}

// admit reserves le's name and writes its first record, then counts it
// as running; it returns the context le runs under. It fails with
// KindConflict when the name was used, KindInvalid once the World is
// closed, and a transient error when the record cannot be written.
func (w *World) admit(le *liveExecution) (context.Context, error) {
	const op = "local.StartExecution"
	r := &w.runs
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, sluice.E(op, sluice.KindInvalid, ErrClosed)
	}
	if _, err := os.Stat(le.path); r.live[le.rec.ID] != nil || err == nil {
		return nil, sluice.E(op, sluice.KindConflict, fmt.Errorf("ExecutionAlreadyExists: execution %s already exists", le.rec.ID))
	}
	if err := w.persist(le, true); err != nil {
		return nil, sluice.Transient(sluice.E(op, sluice.KindInternal, err))
	}
	if r.ctx == nil {
		r.ctx, r.cancel = context.WithCancel(context.Background())
	}
	if r.live == nil {
		r.live = map[string]*liveExecution{}
	}
	r.live[le.rec.ID] = le
	r.wg.Add(1)
	return r.ctx, nil
}

// retire forgets a finished execution whose final record was written
// (or failed to be, err).
func (r *executions) retire(le *liveExecution, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.live, le.rec.ID)
	if err != nil {
		r.errs = append(r.errs, err)
	}
}

// running returns the execution id while it runs in this World, nil
// otherwise.
func (r *executions) running(id string) *liveExecution {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.live[id]
}

// machine returns the parsed definition def, parsing it once per
// distinct text. It fails when the interpreter cannot run def.
func (r *executions) machine(def []byte) (*asl.Machine, error) {
	key := sha256.Sum256(def)
	r.mu.Lock()
	m := r.machines[key]
	r.mu.Unlock()
	if m != nil {
		return m, nil
	}
	m, err := asl.Parse(def)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.machines == nil || len(r.machines) >= maxMachines {
		r.machines = map[[sha256.Size]byte]*asl.Machine{}
	}
	r.machines[key] = m
	return m, nil
}

// Close aborts the executions running in this World and waits for them
// to end: their jobs are killed and their records end ABORTED. Later
// calls to StartExecution fail with ErrClosed. Close may be called more
// than once; it returns the errors of final records it could not write.
func (w *World) Close() error {
	r := &w.runs
	r.mu.Lock()
	r.closed = true
	if r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	return errors.Join(r.errs...)
}

// executionPath is the record file of execution name of state machine sm.
func (w *World) executionPath(sm, name string) string {
	return filepath.Join(w.dir, executionsDir, sm, name+".json")
}

// executionARN is the ARN of execution name of state machine sm.
func executionARN(sm, name string) string { return arn("states", "execution:"+sm+":"+name) }
