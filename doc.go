// Package sluice holds the domain types every part of Sluice shares: source
// positions and diagnostics produced while reading a repository, the desired
// resources the compiler emits, and the error shape used across packages.
//
// It imports only the standard library so that parsing, compiling,
// reconciling and the backends can all depend on it without depending on
// each other.
package sluice
