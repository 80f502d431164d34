package statestore

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// HasEnvironment reports whether the store holds anything for env.
func (tx *Tx) HasEnvironment(env string) (bool, error) {
	b, err := tx.env(env, false)
	if err != nil {
		return false, fail("statestore.HasEnvironment", err)
	}
	return b != nil, nil
}

// RenameEnvironment moves everything the store holds for from (inventory,
// journal, history, meta) to to, in the transaction: a crash leaves
// either name, never both or neither. It fails with an error wrapping
// ErrInvalid inside View, for an empty name, when from holds nothing and
// when to already holds something (nothing is merged or overwritten).
func (tx *Tx) RenameEnvironment(from, to string) error {
	const op = "statestore.RenameEnvironment"
	if err := tx.writable(); err != nil {
		return fail(op, err)
	}
	src, err := tx.env(from, false)
	if err != nil {
		return fail(op, err)
	}
	if src == nil {
		return fail(op, fmt.Errorf("%w: no state for %s", ErrInvalid, from))
	}
	if has, err := tx.HasEnvironment(to); err != nil || has {
		if err == nil {
			err = fmt.Errorf("%w: %s holds state already", ErrInvalid, to)
		}
		return fail(op, err)
	}
	dst, err := tx.env(to, true)
	if err != nil {
		return fail(op, err)
	}
	if err := copyBucket(dst, src); err != nil {
		return fail(op, writeErr(err))
	}
	return fail(op, tx.tx.Bucket([]byte(envsBucket)).DeleteBucket([]byte(from)))
}

// copyBucket copies src's keys, nested buckets and sequence into dst.
func copyBucket(dst, src *bolt.Bucket) error {
	if err := dst.SetSequence(src.Sequence()); err != nil {
		return err
	}
	return src.ForEach(func(k, v []byte) error {
		if v != nil {
			return dst.Put(append([]byte(nil), k...), append([]byte(nil), v...))
		}
		child, err := dst.CreateBucket(append([]byte(nil), k...))
		if err != nil {
			return err
		}
		return copyBucket(child, src.Bucket(k))
	})
}
