// Package project reads a Sluice repository into a Snapshot: the project
// file, every document under the project's folder, and every finding about
// them, for every environment the project declares.
//
// Files are parsed and validated in parallel, and the result of each file
// is cached by its content hash (a Git blob hash, or SHA-256 of the bytes),
// so re-loading a repository in which one file changed costs the work of
// that one file, not of the repository.
//
// A broken file never takes the rest of the repository down with it: its
// findings are reported and its path listed in Snapshot.BrokenFiles, and
// every other document is still read, so the reconciler can hold what the
// broken file used to define and go on with the rest.
package project
