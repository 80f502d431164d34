package statestore

import "errors"

// Sentinel errors, matched with errors.Is. Every error the store returns is
// a *sluice.Error naming the operation and the kind; these are its causes.
var (
	// ErrLocked is returned by Open when another process (or another Open
	// in this process) holds the state file and did not release it within
	// Options.Timeout. The error names the file.
	ErrLocked = errors.New("another Sluice process holds the state file")

	// ErrNewerFormat is returned by Open, and by any read, when the file or
	// a value in it was written by a newer Sluice whose format this one
	// does not know. The file is left untouched.
	ErrNewerFormat = errors.New("state file written by a newer Sluice format")

	// ErrNeedsMigration is returned by Open with Options.ReadOnly when the
	// file has an older format: migrating needs a writable open.
	ErrNeedsMigration = errors.New("state file has an older format and needs a writable open to migrate")

	// ErrCorrupt is returned by Check, and by reads, when a value does not
	// decode, sits under the wrong key, or bbolt's own consistency check
	// fails; and by Open when the file is not a sound bbolt database (its
	// error then says what to do).
	ErrCorrupt = errors.New("state file is inconsistent")

	// ErrEmpty is returned by Open when the state file exists and holds
	// 0 bytes: it is refused rather than made a new store, since that
	// would silently lose the history it should hold.
	ErrEmpty = errors.New("state file is empty")

	// ErrPanicked is returned by Update and View when the function passed
	// to them panicked; the transaction was rolled back.
	ErrPanicked = errors.New("transaction function panicked")

	// ErrNotFound is returned by EndOp when no pending operation has the
	// given sequence number.
	ErrNotFound = errors.New("not found")

	// ErrInvalid is returned when an argument cannot be stored: an empty
	// environment name or resource ID, an unknown operation action, or a
	// write inside View.
	ErrInvalid = errors.New("invalid argument")

	// ErrClosed is returned by Update, View and Check after Close.
	ErrClosed = errors.New("state store is closed")
)
