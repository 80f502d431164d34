// Package statestore keeps what Sluice knows of each environment between
// runs, in one bbolt file: the inventory of resources it created, the last
// applied spec and revision, the last observed state, a history of applied
// revisions and a journal of operations in flight.
//
// AWS holds the truth; this file remembers identities (ARNs) and intent, so
// that a restarted daemon neither duplicates nor orphans a resource.
//
// # Layout
//
//	meta/                  the file itself
//	  format               {"version": N}, the file's format (FormatVersion)
//	envs/<env>/            one bucket per environment
//	  meta                 (a key) Meta
//	  resources/<id>       Record, keyed by resource ID ("Type/name")
//	  ops/<seq>            Op still pending, keyed by 8-byte big-endian seq
//	  history/<seq>        Entry, keyed by 8-byte big-endian seq, oldest
//	                       dropped beyond Options.HistoryDepth
//
// Every value is JSON in an envelope {"v": N, "data": ...} carrying its
// format. Open stamps a new file with FormatVersion, migrates an older file
// forward in a single transaction (format 0 had a root bucket per
// environment and bare JSON values, see migrate_v0.go), and refuses a file
// or value of a newer format with ErrNewerFormat rather than misread it.
//
// # What survives a crash
//
// bbolt commits are atomic and durable (fsync before Update returns): after
// a kill at any moment the file holds exactly the transactions committed
// before it. The reconciler relies on this: it commits BeginOp before it
// calls AWS, and the new ARN with EndOp right after, so an op found pending
// at start-up names a call whose outcome is unknown. For a create, the
// resource is looked up by name and ownership tags before creating again.
//
// # Transactions and locking
//
// Update and View own commit and rollback, shaped after bbolt's own. A
// panic inside them is recovered: the transaction rolls back and the call
// returns an error wrapping ErrPanicked. One process holds a file at a
// time (bbolt's flock); Open waits Options.Timeout, then fails with
// ErrLocked naming the file. Check runs bbolt's consistency check and
// decodes every value.
package statestore
