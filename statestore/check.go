package statestore

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/sluice-dev/sluice"
	bolt "go.etcd.io/bbolt"
)

// Check verifies the file: bbolt's own consistency check (pages, free
// list), the file's format, and that every value decodes at the current
// format under the key it belongs to and every pending op names a valid
// action. It returns nil when all hold, otherwise an error wrapping
// ErrCorrupt that lists every problem found; ErrClosed after Close. A
// page bbolt panics on is a problem found, never a panic.
func (s *Store) Check() error {
	const op = "statestore.Check"
	problems, err := s.problems()
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return sluice.E(op, sluice.KindInternal,
			fmt.Errorf("%s: %w: %w", s.path, ErrCorrupt, errors.Join(problems...)))
	}
	return nil
}

// problems returns what Check finds wrong. Every page a reader can reach
// is walked first, where a panic of bbolt on a corrupt page is
// recovered: bbolt's own check runs in a goroutine of its own, where it
// could not be, so it runs only on a file the walk found readable.
func (s *Store) problems() ([]error, error) {
	err := s.View(func(tx *Tx) error { return walk(tx.tx) })
	switch {
	case errors.Is(err, ErrClosed):
		return nil, err
	case err != nil:
		return []error{err}, nil
	}
	var problems []error
	err = s.View(func(tx *Tx) error {
		for err := range tx.tx.Check() {
			problems = append(problems, err)
		}
		problems = append(problems, tx.checkFormat()...)
		problems = append(problems, tx.checkEnvs()...)
		return nil
	})
	return problems, err
}

// walk reads every key and value of every bucket of tx, so that every
// branch, leaf and overflow page is read once.
func walk(tx *bolt.Tx) error {
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { return walkBucket(b) })
}

func walkBucket(b *bolt.Bucket) error {
	return b.ForEach(func(k, v []byte) error {
		if v != nil {
			return nil
		}
		if sub := b.Bucket(k); sub != nil {
			return walkBucket(sub)
		}
		return nil
	})
}

func (tx *Tx) checkFormat() []error {
	v, err := fileVersion(tx.tx)
	switch {
	case err != nil:
		return []error{err}
	case v != FormatVersion:
		return []error{fmt.Errorf("file format %d, expected %d", v, FormatVersion)}
	}
	return nil
}

func (tx *Tx) checkEnvs() []error {
	envs, err := tx.Environments()
	if err != nil {
		return []error{err}
	}
	var problems []error
	for _, env := range envs {
		b := tx.tx.Bucket([]byte(envsBucket)).Bucket([]byte(env))
		problems = append(problems, checkResources(env, b.Bucket([]byte(resourcesBucket)))...)
		problems = append(problems, checkOps(env, b.Bucket([]byte(opsBucket)))...)
		problems = append(problems, checkHistory(env, b.Bucket([]byte(historyBucket)))...)
		if _, err := tx.Meta(env); err != nil {
			problems = append(problems, err)
		}
	}
	return problems
}

// eachValue calls fn for every key of b (which may be nil) and collects
// the errors it returns, naming the environment and bucket.
func eachValue(env, bucket string, b *bolt.Bucket, fn func(k, v []byte) error) []error {
	if b == nil {
		return nil
	}
	var problems []error
	_ = b.ForEach(func(k, v []byte) error {
		if err := fn(k, v); err != nil {
			problems = append(problems, fmt.Errorf("%s/%s/%q: %w", env, bucket, k, err))
		}
		return nil
	})
	return problems
}

func checkResources(env string, b *bolt.Bucket) []error {
	return eachValue(env, resourcesBucket, b, func(k, v []byte) error {
		var r Record
		if err := decode(v, &r); err != nil {
			return err
		}
		if !bytes.Equal(k, []byte(r.ID)) {
			return fmt.Errorf("record of %q under another key", r.ID)
		}
		return nil
	})
}

func checkOps(env string, b *bolt.Bucket) []error {
	return eachValue(env, opsBucket, b, func(k, v []byte) error {
		var o Op
		if err := decode(v, &o); err != nil {
			return err
		}
		if btoi(k) != o.Seq || o.Seq == 0 {
			return fmt.Errorf("op %d under key %x", o.Seq, k)
		}
		return validOp(o)
	})
}

func checkHistory(env string, b *bolt.Bucket) []error {
	return eachValue(env, historyBucket, b, func(_, v []byte) error {
		var e Entry
		return decode(v, &e)
	})
}
