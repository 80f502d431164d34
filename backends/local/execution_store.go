package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/sluice-dev/sluice"
)

// DescribeExecution returns the execution id (an ARN StartExecution
// returned): from memory while it runs in this World, from its record
// otherwise, so a World opened later on the same data directory
// describes past executions, with Options.Redact applied (to records
// written before a secret was known, too). A record left RUNNING by a process that
// stopped is reported ABORTED with the cause "the process running it
// stopped".
//
// It fails with a *sluice.Error of KindNotFound for an ID that names no
// execution, and a transient one when the record cannot be read.
func (w *World) DescribeExecution(ctx context.Context, id string) (sluice.Execution, error) {
	const op = "local.DescribeExecution"
	if err := ctx.Err(); err != nil {
		return sluice.Execution{}, sluice.E(op, sluice.KindTransient, err)
	}
	sm, name, ok := parseExecutionARN(id)
	if !ok {
		return sluice.Execution{}, sluice.E(op, sluice.KindNotFound, fmt.Errorf("execution %q does not exist", id))
	}
	if le := w.runs.running(id); le != nil {
		return w.redacted(le.snapshot()), nil
	}
	e, err := w.readExecution(w.executionPath(sm, name))
	if errors.Is(err, fs.ErrNotExist) {
		return sluice.Execution{}, sluice.E(op, sluice.KindNotFound, fmt.Errorf("execution %s does not exist", id))
	}
	if err != nil {
		return sluice.Execution{}, sluice.Transient(sluice.E(op, sluice.KindInternal, err))
	}
	return w.redacted(e), nil
}

// Executions returns the executions of the state machine stateMachine
// (a name or an ARN), newest first; none when it never ran. It fails
// with KindInvalid for a name that cannot name a state machine, and a
// transient error when a record cannot be read or ctx ends.
func (w *World) Executions(ctx context.Context, stateMachine string) ([]sluice.Execution, error) {
	const op = "local.Executions"
	sm := lastPart(stateMachine, ":")
	if !plainName(sm) {
		return nil, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%q is not a state machine name", stateMachine))
	}
	entries, err := os.ReadDir(filepath.Join(w.dir, executionsDir, sm))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, sluice.Transient(sluice.E(op, sluice.KindInternal, err))
	}
	out := make([]sluice.Execution, 0, len(entries))
	for _, ent := range entries {
		name, ok := strings.CutSuffix(ent.Name(), ".json")
		if !ok || ent.IsDir() || strings.HasPrefix(name, ".") {
			continue
		}
		e, err := w.DescribeExecution(ctx, executionARN(sm, name))
		if err != nil {
			return nil, sluice.E(op, sluice.KindOf(err), err)
		}
		out = append(out, e)
	}
	slices.SortFunc(out, newestFirst)
	return out, nil
}

// newestFirst orders executions by start time, newest first, then by
// name.
func newestFirst(a, b sluice.Execution) int {
	if c := b.Started.Compare(a.Started); c != 0 {
		return c
	}
	return strings.Compare(a.Name, b.Name)
}

// readExecution reads an execution record that no goroutine of this
// World runs: one still RUNNING was left by a process that stopped.
func (w *World) readExecution(path string) (sluice.Execution, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return sluice.Execution{}, err
	}
	var e sluice.Execution
	if err := json.Unmarshal(b, &e); err != nil {
		return sluice.Execution{}, fmt.Errorf("execution record %s: %w", path, err)
	}
	if e.Status == sluice.ExecutionRunning {
		e.Status, e.Cause = sluice.ExecutionAborted, causeDied
		for i := range e.Steps {
			stopStep(&e.Steps[i])
		}
	}
	return e, nil
}

// parseExecutionARN returns the state machine and execution names of a
// local execution ARN.
func parseExecutionARN(id string) (sm, name string, ok bool) {
	rest, ok := strings.CutPrefix(id, arn("states", "execution:"))
	if !ok {
		return "", "", false
	}
	sm, name, ok = strings.Cut(rest, ":")
	return sm, name, ok && plainName(sm) && checkExecutionName(name) == nil
}

// plainName reports whether s is one plain path element.
func plainName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\:\x00")
}

// checkExecutionName refuses what Step Functions refuses as an execution
// name: empty or over 80 characters, whitespace, control characters,
// and any of < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /.
func checkExecutionName(name string) error {
	if name == "" || len([]rune(name)) > 80 {
		return fmt.Errorf("execution name %q: use 1 to 80 characters", name)
	}
	for _, c := range name {
		if unicode.IsSpace(c) || unicode.IsControl(c) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", c) {
			return fmt.Errorf("execution name %q: %q is not allowed", name, c)
		}
	}
	if name == "." || name == ".." {
		return fmt.Errorf("execution name %q is not allowed", name)
	}
	return nil
}

// compactJSON returns data as compact JSON; it fails when data is not
// JSON.
func compactJSON(data []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
