// Package daemon is Sluice's GitOps loop: it watches the configured
// repositories (polling plus webhooks that only wake it), keeps one
// worker per environment that reconciles one revision at a time, and
// serves the HTTP API, the status page, health checks and metrics.
//
// Each repository has a poller: one round trip (the remote's advertised
// heads) per poll interval, jittered, or at once when a webhook arrives.
// An environment whose branch head did not move costs nothing more: no
// fetch, no parsing, no AWS call. When it moved, the environment's
// worker fetches it, loads the snapshot (unchanged files come from the
// loader's cache by blob hash), compiles it and plans; with sync: auto it
// applies, with sync: manual it waits for an approval of that revision.
// Drift checks read the applied resources back every drift interval,
// without fetching a branch whose head has not moved.
//
// A cycle's steps return one outcome (state, message, result, retry
// decision) that one finalizer records: status, metrics, the next wake
// and the log line. A failure backs off from 750 ms doubling to 15
// minutes, jittered; nothing starts for the environment before the
// backoff has passed (no retry, no drift check) unless its branch moves
// or a person asks. Every failure logs one ERROR line, repeats of the
// same cause at most every 10 minutes with the number left out.
//
// Nothing is deleted because of a problem: an unreachable remote, a
// deleted branch, a broken project file or a force-push leave the
// environment as last applied (a force-push is applied without pruning)
// and say why in its status.
package daemon
