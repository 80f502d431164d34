package statestore

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Entry is one apply of a revision to an environment.
type Entry struct {
	Revision string    `json:"revision"`
	Time     time.Time `json:"time,omitzero"`
	// Result is the outcome, e.g. "applied", "partial", "failed".
	Result    string `json:"result,omitempty"`
	Created   int    `json:"created,omitempty"`
	Updated   int    `json:"updated,omitempty"`
	Deleted   int    `json:"deleted,omitempty"`
	Unchanged int    `json:"unchanged,omitempty"`
	Message   string `json:"message,omitempty"`
}

// AppendHistory adds e as env's newest history entry and drops the oldest
// entries beyond Options.HistoryDepth. It returns an error wrapping
// ErrInvalid for an empty env or inside View.
func (tx *Tx) AppendHistory(env string, e Entry) error {
	const op = "statestore.AppendHistory"
	b, err := tx.sub(env, historyBucket, true)
	if err != nil {
		return fail(op, err)
	}
	seq, err := b.NextSequence()
	if err != nil {
		return fail(op, err)
	}
	v, err := encode(e)
	if err != nil {
		return fail(op, err)
	}
	if err := b.Put(itob(seq), v); err != nil {
		return fail(op, err)
	}
	return fail(op, trim(b, tx.depth))
}

// trim deletes the oldest keys of b beyond the newest keep.
func trim(b *bolt.Bucket, keep int) error {
	var old [][]byte
	c := b.Cursor()
	n := 0
	for k, _ := c.Last(); k != nil; k, _ = c.Prev() {
		if n++; n > keep {
			old = append(old, bytes.Clone(k))
		}
	}
	for _, k := range old {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// History returns env's history, newest first, empty for an unknown
// environment. It returns an error wrapping ErrCorrupt or ErrNewerFormat
// when a stored entry does not decode.
func (tx *Tx) History(env string) ([]Entry, error) {
	const op = "statestore.History"
	b, err := tx.sub(env, historyBucket, false)
	if err != nil || b == nil {
		return nil, fail(op, err)
	}
	var out []Entry
	c := b.Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var e Entry
		if err := decode(v, &e); err != nil {
			return nil, fail(op, fmt.Errorf("%s history %d: %w", env, btoi(k), err))
		}
		out = append(out, e)
	}
	return out, nil
}
