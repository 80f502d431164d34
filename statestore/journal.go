package statestore

import (
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
)

// Actions an operation in the journal performs.
const (
	ActionCreate  = "create"
	ActionUpdate  = "update"
	ActionReplace = "replace"
	ActionDelete  = "delete"
)

// ValidAction reports whether a is one of the Action constants.
func ValidAction(a string) bool {
	switch a {
	case ActionCreate, ActionUpdate, ActionReplace, ActionDelete:
		return true
	}
	return false
}

// Op is an operation on AWS begun and not yet known to be finished. An op
// still pending after a restart means the process died during it: for a
// create, look the resource up by name and ownership tags before creating
// it again.
type Op struct {
	// Seq orders the ops of an environment; BeginOp assigns it.
	Seq      uint64            `json:"seq"`
	ID       sluice.ResourceID `json:"id"`
	Action   string            `json:"action"`
	SpecHash string            `json:"specHash,omitempty"`
	// Name is the physical name the operation acts on.
	Name      string    `json:"name,omitempty"`
	StartedAt time.Time `json:"startedAt,omitzero"`
}

// BeginOp records op as pending in env's journal under a new sequence
// number, which it returns (op.Seq is ignored). Commit the transaction
// before calling AWS. It returns an error wrapping ErrInvalid for an empty
// env or ID, an unknown action, or inside View.
func (tx *Tx) BeginOp(env string, op Op) (uint64, error) {
	const name = "statestore.BeginOp"
	if err := validOp(op); err != nil {
		return 0, fail(name, err)
	}
	b, err := tx.sub(env, opsBucket, true)
	if err != nil {
		return 0, fail(name, err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return 0, fail(name, err)
	}
	op.Seq = seq
	v, err := encode(op)
	if err != nil {
		return 0, fail(name, err)
	}
	return seq, fail(name, b.Put(itob(seq), v))
}

func validOp(op Op) error {
	if op.ID == "" {
		return fmt.Errorf("%w: op with an empty resource ID", ErrInvalid)
	}
	if !ValidAction(op.Action) {
		return fmt.Errorf("%w: op action %q", ErrInvalid, op.Action)
	}
	return nil
}

// EndOp removes the op seq from env's pending journal. It returns an error
// wrapping ErrNotFound when env has no pending op seq (never begun, or
// ended already), ErrInvalid inside View.
func (tx *Tx) EndOp(env string, seq uint64) error {
	const op = "statestore.EndOp"
	if err := tx.writable(); err != nil {
		return fail(op, err)
	}
	b, err := tx.sub(env, opsBucket, false)
	if err != nil {
		return fail(op, err)
	}
	if b == nil || b.Get(itob(seq)) == nil {
		return fail(op, fmt.Errorf("%w: %s has no pending op %d", ErrNotFound, env, seq))
	}
	return fail(op, b.Delete(itob(seq)))
}

// PendingOps returns env's pending ops in the order they began, empty for
// an unknown environment. It returns an error wrapping ErrCorrupt or
// ErrNewerFormat when a stored op does not decode.
func (tx *Tx) PendingOps(env string) ([]Op, error) {
	const op = "statestore.PendingOps"
	b, err := tx.sub(env, opsBucket, false)
	if err != nil || b == nil {
		return nil, fail(op, err)
	}
	var out []Op
	err = b.ForEach(func(k, v []byte) error {
		var o Op
		if err := decode(v, &o); err != nil {
			return fmt.Errorf("%s op %d: %w", env, btoi(k), err)
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, fail(op, err)
	}
	return out, nil
}
