package daemon

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/rollout"
	"github.com/sluice-dev/sluice/statestore"
)

// Backoff after a failed reconcile: from 750 ms doubling up to 15 min,
// each wait jittered down by up to a quarter.
const (
	backoffMin = 750 * time.Millisecond
	backoffMax = 15 * time.Minute
)

// errorLogEvery is how often a failure that repeats unchanged is logged
// again; the repeats in between are counted and the count logged.
const errorLogEvery = 10 * time.Minute

// successSaveEvery is how often a success that changed nothing (a poll
// that found the branch where it was) is saved in the state store's
// meta, which holds the last success across restarts.
const successSaveEvery = 5 * time.Minute

// outcome is what one reconcile came to. Each step of a cycle returns
// one; record stores it, in one place under one lock.
type outcome struct {
	// result is the reconcile's result as metrics count it; "" when
	// nothing was attempted (nothing to do, suspended, not polled yet).
	result string
	// state and message are the environment's sync state and why; ""
	// keeps the state it has.
	state, message string
	// head is the branch head the cycle read ("" when it read none).
	head string
	// revision is the revision attempted.
	revision string
	// err is the failure; it carries its retry decision (sluice.RetryOf).
	err error
	// done marks revision as reconciled to completion.
	done bool
	// after asks for another attempt after a delay: changes in progress.
	after time.Duration
	// applied is the revision now applied completely, "" when none.
	applied string
	// success says the reconcile succeeded (an apply, an unchanged or
	// waiting plan, or an unmoved head confirmed by a poll).
	success bool
	// pending replaces the plan waiting for approval when setPending.
	pending    *PendingPlan
	setPending bool
}

// failed returns the outcome of a failure of revision. Its message ends
// with the failure's reason, when it carries one (sluice.ReasonOf).
func failed(revision string, err error) outcome {
	msg := err.Error()
	if reason := sluice.ReasonOf(err); reason != sluice.ReasonNone {
		msg += " (reason: " + string(reason) + ")"
	}
	return outcome{result: resultFailed, state: StateFailed, message: msg, revision: revision, err: err}
}

// record stores o: the status, the retry and next wake, the metrics and
// the log line. start is when the reconcile began.
func (w *envWorker) record(start time.Time, o outcome) {
	now := w.clock()
	w.mu.Lock()
	w.update(start, now, o)
	w.schedule(now, o)
	s := w.status
	logErr, suppressed := w.logDecision(now, o)
	save := w.saveSuccess(now, o)
	w.mu.Unlock()
	if o.result != "" {
		w.metrics.ReconcileDone(w.key(), o.result, now.Sub(start))
	}
	if o.state != "" || o.success {
		w.metrics.SetEnvironment(s.Environment, s.Repository, s.Branch, s.Applied, s.State)
		w.metrics.SetSynced(s.Environment, synced(s))
	}
	if o.success {
		w.metrics.SetLastSuccess(w.key(), now)
	}
	if save {
		w.saveMeta(o, now)
	}
	w.logOutcome(o, logErr, suppressed)
	if w.changed != nil {
		w.changed("environment", w.key())
	}
}

// update sets the status from o; w.mu held.
func (w *envWorker) update(start, now time.Time, o outcome) {
	if o.head != "" {
		w.status.Head = o.head
		w.headLost = false
	}
	if o.state != "" {
		w.status.State, w.status.Message, w.status.Reconciled = o.state, o.message, true
		w.status.Reason = string(sluice.ReasonOf(o.err))
	}
	if o.result != "" {
		w.status.LastAttempt = start
		w.failing = o.err != nil
	}
	if o.done {
		w.done = o.revision
	}
	if o.applied != "" {
		w.status.Applied = o.applied
	}
	if o.success {
		w.status.LastSuccess = now
	}
	if o.setPending {
		if o.pending != nil && o.pending.Hash == "" {
			o.pending.Hash = rollout.PlanHash(o.pending.Revision, o.pending.Plan)
		}
		w.status.Pending = o.pending
	}
	if errors.As(o.err, new(headError)) {
		w.headLost = true
	}
}

// synced reports whether s is in sync: its last reconcile succeeded and
// what it applied is its branch head, or the revision it is pinned at.
func synced(s Status) bool {
	want := s.Head
	if s.Pinned != "" {
		want = s.Pinned
	}
	return (s.State == StateSynced || s.State == StateRolledBack) && s.Applied != "" && s.Applied == want
}

// schedule sets when the next attempt may start after o; w.mu held.
// After a failure nothing starts before the backoff has passed: not a
// retry, not a drift check; only a new branch head or a person's request
// does. A stalled failure is not retried until the branch moves (a drift
// check still tries it, no sooner than the backoff).
func (w *envWorker) schedule(now time.Time, o outcome) {
	w.retry = false
	switch {
	case o.result == "":
		// Nothing attempted: the backoff in force stays.
	case o.err == nil && o.after > 0:
		w.retry, w.backoff, w.tried = true, 0, w.seenHead
		w.notBefore = now.Add(max(o.after, time.Second))
	case o.err == nil:
		w.backoff, w.notBefore = 0, time.Time{}
	default:
		decision, after := sluice.RetryOf(o.err)
		w.backoff = min(max(w.backoff*2, backoffMin), backoffMax)
		wait := jitterDown(w.backoff)
		if decision == sluice.RetryWaiting && after > 0 {
			wait = max(after, backoffMin)
		}
		w.notBefore = now.Add(wait)
		w.retry = decision != sluice.RetryStalled
		w.tried = w.seenHead
		if decision == sluice.RetryStalled {
			w.done = o.revision
		}
	}
	w.skipOverdueDrift(now)
}

// skipOverdueDrift moves a drift tick that is due and was not taken (the
// environment is suspended, backing off, or its head unknown) to the
// next one, so that no timer is left due: a due timer fires at once,
// again and again.
func (w *envWorker) skipOverdueDrift(now time.Time) {
	if w.cfg.DriftInterval > 0 && !w.nextDrift.After(now) {
		w.nextDrift = now.Add(jitter(w.driftStep()))
	}
}

// jitterDown returns d less up to a quarter of it, at random.
func jitterDown(d time.Duration) time.Duration {
	return d - time.Duration(rand.Int64N(int64(d/4)+1))
}

// saveSuccess reports whether o's success must be saved in the store's
// meta; w.mu held. A reconcile's success is saved; a poll's confirmation
// every successSaveEvery.
func (w *envWorker) saveSuccess(now time.Time, o outcome) bool {
	if !o.success || (o.result == "" && now.Sub(w.savedSuccess) < successSaveEvery) {
		return false
	}
	w.savedSuccess = now
	return true
}

// saveMeta saves the time of a success, and a revision found to need no
// change (sync: manual) as applied, so that both survive a restart.
func (w *envWorker) saveMeta(o outcome, now time.Time) {
	err := w.store.Update(func(tx *statestore.Tx) error {
		m, err := tx.Meta(w.key())
		if err != nil {
			return err
		}
		m.LastSuccessAt = now.UTC()
		// The owner lets the state follow the environment when another
		// repository's environment comes to share its name.
		m.Repository = w.cfg.Repository
		if o.applied != "" && m.LastAppliedRevision != o.applied {
			m.LastAppliedRevision, m.LastAppliedAt = o.applied, now.UTC()
			if err := tx.AppendHistory(w.key(), statestore.Entry{Revision: o.applied, Time: now.UTC(), Result: "succeeded",
				Message: "nothing to change"}); err != nil {
				return err
			}
		}
		return tx.PutMeta(w.key(), m)
	})
	if err != nil {
		w.log.Warn("cannot save the last success in the state store", "err", err)
	}
}

// logDecision decides whether o's failure is logged; w.mu held (see
// repeatLimit).
func (w *envWorker) logDecision(now time.Time, o outcome) (log bool, suppressed int) {
	if o.err == nil {
		if o.result != "" {
			suppressed = w.errLog.succeeded()
		}
		return false, suppressed
	}
	return w.errLog.failed(now, o.err)
}

// repeatLimit rate-limits the log of a failure that repeats. A failure
// is logged when its root cause differs from the last one logged, or
// errorLogEvery after it; the repeats in between are counted, and the
// count is logged with the next line.
type repeatLimit struct {
	last       string
	at         time.Time
	suppressed int
}

// failed reports whether err is logged, and how many repeats were
// suppressed since the last line.
func (l *repeatLimit) failed(now time.Time, err error) (log bool, suppressed int) {
	cause := rootCause(err)
	if cause == l.last && now.Sub(l.at) < errorLogEvery {
		l.suppressed++
		return false, 0
	}
	suppressed, l.suppressed = l.suppressed, 0
	l.last, l.at = cause, now
	return true, suppressed
}

// succeeded ends a run of failures and returns how many were not logged.
func (l *repeatLimit) succeeded() (suppressed int) {
	suppressed, l.suppressed, l.last = l.suppressed, 0, ""
	return suppressed
}

// rootCause returns the message of err's innermost cause (the first of
// joined ones): a failure that repeats with another resource named
// around the same cause is the same failure.
func rootCause(err error) string {
	for {
		switch u := err.(type) { //nolint:errorlint // walks the chain itself, one Unwrap at a time
		case interface{ Unwrap() error }:
			if next := u.Unwrap(); next != nil {
				err = next
				continue
			}
		case interface{ Unwrap() []error }:
			if next := u.Unwrap(); len(next) > 0 {
				err = next[0]
				continue
			}
		}
		return err.Error()
	}
}

// logOutcome writes the log line of o: one ERROR line per failure (see
// logDecision), one INFO line when a failure ends.
func (w *envWorker) logOutcome(o outcome, logErr bool, suppressed int) {
	if logErr {
		decision, _ := sluice.RetryOf(o.err)
		w.log.Error("reconcile failed", "revision", o.revision, "decision", decision.String(), "reason", string(sluice.ReasonOf(o.err)),
			"err", o.message, "retry_in", w.retryIn(), "suppressed", suppressed)
		return
	}
	if o.err == nil && o.result != "" && suppressed > 0 {
		w.log.Info("reconcile succeeded after failures", "revision", o.revision, "suppressed", suppressed)
	}
}

// retryIn says when the next attempt is due, "" when no retry is
// scheduled (stalled: the next change of the branch retries).
func (w *envWorker) retryIn() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.retry {
		return ""
	}
	return w.notBefore.Sub(w.clock()).Round(time.Millisecond).String()
}
