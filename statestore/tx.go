package statestore

import (
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Tx is a transaction on the store, valid only inside the function given to
// Update or View. Its write methods fail with ErrInvalid inside View.
type Tx struct {
	tx    *bolt.Tx
	depth int
}

// Environments returns the names of the environments the store holds
// anything for, sorted. It fails only when the file is unreadable.
func (tx *Tx) Environments() ([]string, error) {
	envs := tx.tx.Bucket([]byte(envsBucket))
	if envs == nil {
		return nil, nil
	}
	var names []string
	err := envs.ForEachBucket(func(k []byte) error {
		names = append(names, string(k))
		return nil
	})
	if err != nil {
		return nil, sluice.E("statestore.Environments", sluice.KindInternal, err)
	}
	return names, nil
}

// env returns env's bucket, nil when it does not exist in a read.
func (tx *Tx) env(env string, create bool) (*bolt.Bucket, error) {
	if env == "" {
		return nil, fmt.Errorf("%w: empty environment name", ErrInvalid)
	}
	if !create {
		envs := tx.tx.Bucket([]byte(envsBucket))
		if envs == nil {
			return nil, nil
		}
		return envs.Bucket([]byte(env)), nil
	}
	envs, err := tx.tx.CreateBucketIfNotExists([]byte(envsBucket))
	if err != nil {
		return nil, writeErr(err)
	}
	b, err := envs.CreateBucketIfNotExists([]byte(env))
	return b, writeErr(err)
}

// sub returns the bucket name inside env's bucket, nil when it does not
// exist in a read.
func (tx *Tx) sub(env, name string, create bool) (*bolt.Bucket, error) {
	e, err := tx.env(env, create)
	if err != nil || e == nil {
		return nil, err
	}
	if !create {
		return e.Bucket([]byte(name)), nil
	}
	b, err := e.CreateBucketIfNotExists([]byte(name))
	return b, writeErr(err)
}

// writable fails with ErrInvalid in a read-only transaction.
func (tx *Tx) writable() error {
	if !tx.tx.Writable() {
		return fmt.Errorf("%w: write in a read-only transaction", ErrInvalid)
	}
	return nil
}

// writeErr turns bbolt's refusal to write in a read-only transaction into
// ErrInvalid.
func writeErr(err error) error {
	if errors.Is(err, berrors.ErrTxNotWritable) || errors.Is(err, berrors.ErrDatabaseReadOnly) {
		return fmt.Errorf("%w: write in a read-only transaction", ErrInvalid)
	}
	return err
}

// fail wraps err for op, classifying it by its sentinel.
func fail(op string, err error) error {
	if err == nil {
		return nil
	}
	return sluice.E(op, kindOf(err), err)
}

// kindOf classifies err by the sentinel it wraps.
func kindOf(err error) sluice.Kind {
	switch {
	case errors.Is(err, ErrInvalid):
		return sluice.KindInvalid
	case errors.Is(err, ErrNotFound):
		return sluice.KindNotFound
	case errors.Is(err, ErrNewerFormat), errors.Is(err, ErrNeedsMigration), errors.Is(err, ErrLocked):
		return sluice.KindConflict
	}
	return sluice.KindInternal
}
