// Package runstore is the run store's one schema and one set of queries,
// written in SQL that PostgreSQL and SQLite read alike, over
// database/sql. Its implementations only open the database:
// runstore/pgstore (PostgreSQL through pgx, the MetadataStore of
// production) and runstore/sqlitestore (an embedded file for one
// machine). runstore/storetest is the test suite both pass.
//
// The schema is versioned: migrations/NNNN_name.sql files, embedded, are
// applied in order at open, each in a transaction that also records its
// version in runstore_migrations. A database whose version is newer than
// this binary knows is refused rather than written.
package runstore
