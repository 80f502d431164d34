// Package rollout carries one environment from a repository snapshot to
// its backends: compile the snapshot for the environment, settle the
// journal a crash left, rebuild the inventory from ownership tags when
// the state store holds none, plan against the inventory (and, with a
// refresh, against what the backends report), apply the plan and record
// the outcome in the environment's history.
//
// The CLI's plan and apply and the daemon's reconcile loop all go
// through it, so a plan made by `sluice plan` in CI is the plan the
// daemon carries out.
package rollout
