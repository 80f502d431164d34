// Package gitsource watches branches of a remote Git repository and reads
// their trees as project.Sources.
//
// A Repo keeps a bare repository as a local cache. Heads asks the remote
// for the heads of the watched branches with one round trip (the
// advertised references) and fetches nothing, so an idle poll costs one
// request and no parsing. Fetch brings only the named branches' heads into
// the cache, shallow (depth 1 by default): reading a tree needs no
// history. IsAncestor deepens the cache to the full history of the watched
// branches only when a walk reaches a shallow boundary, which is how a
// force-push or a non-fast-forward promotion is told apart.
//
// FetchCommit brings an older revision (for a rollback) the same way.
//
// Source hands out each file's Git blob hash as its content hash, so the
// project loader's cache re-reads only the files a commit changed. Its
// entries carry no size (reading sizes from the object store costs about
// as much as reading the blobs), so the loader's file size limit applies
// only once a file is read.
//
// The cache keeps every commit it fetched, including those a force-push
// dropped from the remote, so a rollback can still read them. It is never
// compacted: each fetch adds one pack file.
//
// Failures are classified: an unreachable remote (network, 5xx, missing
// repository) wraps ErrUnreachable and carries a transient retry decision;
// rejected credentials or a host key that known_hosts does not vouch for
// wrap ErrAuth and are stalled until a person acts. Credentials are never
// logged or put in errors.
//
// LocalSource and LocalIsAncestor read a repository on disk, for the CLI's
// promotion preview (`sluice plan --env staging --ref dev`).
package gitsource
