package statestore

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
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
// Sluice, ErrNeedsMigration for an older file opened read-only, ErrEmpty
// for a file of 0 bytes (never silently made a new store: its history
// would be lost), ErrCorrupt when the file is not a sound bbolt database
// (a bad page, a bad free list; bbolt's panics on such a file are turned
// into this error, naming the file and what to do), and the operating
// system's error when the file cannot be opened.
func Open(path string, opts Options) (*Store, error) {
	const op = "statestore.Open"
	opts = opts.withDefaults()
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		return nil, sluice.E(op, sluice.KindInvalid, fmt.Errorf("%s: %w: %s", path, ErrEmpty, emptyAdvice))
	}
	s, err := open(path, opts)
	return s, openErr(op, path, opts, err)
}

// openErr is the error Open returns for err, from open.
func openErr(op, path string, opts Options, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, berrors.ErrTimeout):
		return sluice.E(op, sluice.KindConflict, fmt.Errorf("%s: %w (waited %s)", path, ErrLocked, opts.Timeout))
	case isCorrupt(err):
		return sluice.E(op, sluice.KindInternal, fmt.Errorf("%s: %w: %w; %s", path, ErrCorrupt, err, corruptAdvice))
	}
	return sluice.E(op, kindOf(err), fmt.Errorf("%s: %w", path, err))
}

// What to do about a file Open refuses, as its error says.
const (
	corruptAdvice = "restore the file from a backup, or move it away (mv FILE FILE.corrupt) and start again: " +
		"Sluice then rebuilds each environment's inventory from the ownership tags of what it manages, " +
		"losing only the history of applied revisions (see docs/operations.md, The state file)"
	emptyAdvice = "a state file that exists is never replaced by a new one, since its history would be lost; " +
		"restore it from a backup, or, if it was being created when a process stopped, remove it and start again"
)

// open opens the bbolt file and prepares it (format check, migration).
// The free list is read at once, also read-only (a writable open always
// does): bbolt reads it lazily in Check's own goroutine otherwise, where
// its panic on a bad free list page could not be recovered. bbolt panics
// on some corrupt files (a free list page that is not one, a page that
// names another): open recovers, closes the file (releasing its lock)
// and returns an error wrapping ErrPanicked.
func open(path string, opts Options) (s *Store, err error) {
	var file *os.File
	bopts := &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly, PreLoadFreelist: true,
		OpenFile: func(name string, flag int, mode os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, mode)
			file = f
			return f, err
		}}
	var db *bolt.DB
	// A page pointing outside the mapped file faults: make that a panic
	// recovered below, not a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if db != nil {
				_ = db.Close()
			} else if file != nil {
				// The memory bbolt mapped stays mapped: a one-off
				// for a file the process cannot use.
				release(file)
			}
			s, err = nil, panicErr(r)
		}
	}()
	if db, err = bolt.Open(path, 0o600, bopts); err != nil {
		return nil, err
	}
	s = &Store{db: db, path: path, opts: opts}
	if err := s.prepare(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// isCorrupt reports whether err, from opening a file, says the file is
// not a sound bbolt database.
func isCorrupt(err error) bool {
	if err == nil {
		return false
	}
	for _, e := range []error{ErrPanicked, ErrCorrupt, berrors.ErrInvalid, berrors.ErrChecksum, berrors.ErrVersionMismatch, berrors.ErrInvalidMapping} {
		if errors.Is(err, e) {
			return true
		}
	}
	// bbolt says so in words only for a file shorter than two pages.
	return strings.Contains(err.Error(), "file size too small")
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
	// A corrupt page pointing outside the mapped file faults: make that
	// a panic, recovered below like bbolt's own.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
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
