// Package reconcile turns the desired resources of an environment into
// AWS (or local) reality: it plans (desired against last applied, observed
// against last applied) and applies the plan in dependency order, safely.
//
// It declares the small interfaces it needs from the backends and the
// state store; they are implemented elsewhere (backends/aws/*,
// backends/local, statestore) without knowing this package.
package reconcile
