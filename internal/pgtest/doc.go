// Package pgtest starts throwaway PostgreSQL servers for tests, from the
// server binaries of the machine's PostgreSQL installation (Debian's
// postgresql package puts them under /usr/lib/postgresql/VERSION/bin).
//
// A test that needs a server calls Start; when the binaries are missing
// the test is skipped, unless SLUICE_REQUIRE_POSTGRES=1 (as in CI), when
// it fails. PostgreSQL refuses to run as root: as root, the server runs
// as the postgres user (or nobody), in a directory given to that user.
package pgtest
