package daemon

import (
	"hash/fnv"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/daemon/config"
)

// driftShares is how many shares a drift check is spread over: every
// drift interval, each applied resource is read back once, a share at a
// time, so that reads are spread over the interval instead of spent in
// one burst against the account's API quotas.
const driftShares = 10

// takeDrift reports whether this reconcile must read applied resources
// back and which: all of them (share -1) when a check was asked for, one
// share when the share's time has come. Either way it schedules the next
// tick: a full check covers every share.
func (w *envWorker) takeDrift() (due bool, share int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.clock()
	if w.drift {
		w.drift = false
		if w.cfg.DriftInterval > 0 {
			w.nextDrift = now.Add(jitter(w.driftStep()))
		}
		return true, -1
	}
	if w.cfg.DriftInterval <= 0 || now.Before(w.nextDrift) {
		return false, 0
	}
	w.nextDrift = now.Add(jitter(w.driftStep()))
	if w.cfg.Sync == config.SyncManual {
		// A plan waiting for approval must show all the drift at once:
		// one full check per interval.
		return true, -1
	}
	share = w.driftShare
	w.driftShare = (w.driftShare + 1) % driftShares
	return true, share
}

// driftStep is the time between drift ticks: a share's, or the whole
// interval for sync: manual.
func (w *envWorker) driftStep() time.Duration {
	if w.cfg.Sync == config.SyncManual {
		return w.cfg.DriftInterval
	}
	return w.cfg.DriftInterval / driftShares
}

// retryDrift asks for a full drift check after an attempt that was to
// check drift failed: the next attempt, after the backoff, reads every
// applied resource, so that a share that could not be read is not
// skipped and a read that keeps failing backs off (shares that read
// nothing would succeed in between).
func (w *envWorker) retryDrift(drift bool) {
	if drift {
		w.mu.Lock()
		w.drift = true
		w.mu.Unlock()
	}
}

// refreshShare selects the applied resources of one share of a drift
// check, nil for all of them.
func refreshShare(share int) func(sluice.ResourceID) bool {
	if share < 0 {
		return nil
	}
	return func(id sluice.ResourceID) bool {
		h := fnv.New32a()
		_, _ = h.Write([]byte(id))
		return int(h.Sum32()%driftShares) == share
	}
}
