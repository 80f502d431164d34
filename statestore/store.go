package statestore

import (
	"errors"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Defaults applied by Open to zero Options fields.
const (
	DefaultTimeout      = time.Second
	DefaultHistoryDepth = 50
)

// Options configures Open. The zero value is usable.
type Options struct {
	// Timeout bounds the wait for the file lock another process holds;
	// zero or negative means DefaultTimeout.
	Timeout time.Duration
	// HistoryDepth is how many history entries each environment keeps;
	// zero or negative means DefaultHistoryDepth.
	HistoryDepth int
	// ReadOnly opens the file with a shared lock: several read-only
	// stores may share a file, but none alongside a writer. Update fails.
	ReadOnly bool
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.HistoryDepth <= 0 {
		o.HistoryDepth = DefaultHistoryDepth
	}
	return o
}

// Store is an open state file. Its methods are safe for concurrent use:
// bbolt allows one writer and many readers at a time.
type Store struct {
	db   *bolt.DB
	path string
	opts Options
}

// Open opens (creating it when writable and absent) the state file at path,
// holding its lock until Close. A writable open migrates a file of an older
// format forward in one transaction.
//
// Open returns an error wrapping ErrLocked when another process holds the
// file past opts.Timeout, ErrNewerFormat when the file comes from a newer
// Sluice, ErrNeedsMigration for an older file opened read-only, and the
// operating system's error when the file cannot be opened.
func Open(path string, opts Options) (*Store, error) {
	const op = "statestore.Open"
	opts = opts.withDefaults()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, sluice.E(op, sluice.KindConflict,
			fmt.Errorf("%s: %w (waited %s)", path, ErrLocked, opts.Timeout))
	}
	if err != nil {
		return nil, sluice.E(op, sluice.KindOther, fmt.Errorf("%s: %w", path, err))
	}
	s := &Store{db: db, path: path, opts: opts}
	if err := s.prepare(); err != nil {
		_ = db.Close()
		return nil, sluice.E(op, kindOf(err), fmt.Errorf("%s: %w", path, err))
	}
	return s, nil
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close releases the file and its lock. It returns bbolt's error when the
// file cannot be closed cleanly; closing twice is not an error.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return sluice.E("statestore.Close", sluice.KindOther, err)
	}
	return nil
}

// Update runs fn in a read-write transaction and commits it when fn returns
// nil. When fn returns an error, Update rolls back and returns that error
// unchanged. When fn panics, Update recovers, rolls back and returns an
// error wrapping ErrPanicked and the panic value (wrapped too when it is an
// error): nothing fn wrote is kept, and the process goes on rather than
// crash, since the daemon serves other environments. Update fails with ErrInvalid on a read-only
// store and with ErrClosed after Close.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.run("statestore.Update", true, fn)
}

// View runs fn in a read-only transaction, which always rolls back. It
// returns fn's error unchanged, an error wrapping ErrPanicked when fn
// panics, and ErrClosed after Close.
func (s *Store) View(fn func(*Tx) error) error {
	return s.run("statestore.View", false, fn)
}

func (s *Store) run(op string, writable bool, fn func(*Tx) error) (err error) {
	btx, err := s.db.Begin(writable)
	if err != nil {
		return sluice.E(op, beginKind(err), beginErr(err))
	}
	defer func() {
		if r := recover(); r != nil {
			_ = btx.Rollback()
			err = sluice.E(op, sluice.KindInternal, panicErr(r))
		}
	}()
	if err := fn(&Tx{tx: btx, depth: s.opts.HistoryDepth}); err != nil {
		_ = btx.Rollback()
		return err
	}
	if !writable {
		return btx.Rollback()
	}
	if err := btx.Commit(); err != nil {
		return sluice.E(op, sluice.KindInternal, err)
	}
	return nil
}

// panicErr wraps ErrPanicked with the panic value, and with the value
// itself when it is an error so errors.Is finds it.
func panicErr(r any) error {
	if err, ok := r.(error); ok {
		return fmt.Errorf("%w: %w", ErrPanicked, err)
	}
	return fmt.Errorf("%w: %v", ErrPanicked, r)
}

func beginErr(err error) error {
	switch {
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return ErrClosed
	case errors.Is(err, berrors.ErrDatabaseReadOnly):
		return fmt.Errorf("%w: store opened read-only", ErrInvalid)
	}
	return err
}

func beginKind(err error) sluice.Kind {
	if errors.Is(err, berrors.ErrDatabaseReadOnly) {
		return sluice.KindInvalid
	}
	return sluice.KindOther
}
