package reconcile

import (
	"context"

	"github.com/sluice-dev/sluice"
)

// Backend manages the resources of some types in one environment's
// target. Every method takes a Target whose spec has its placeholders
// resolved (see Resolve).
//
// Errors carry the retry decision (sluice.Waiting, sluice.Stalled,
// sluice.Transient); an error without one is treated as transient.
type Backend interface {
	// Observe reads the resource: by t.ARN when set, else by its physical
	// name. A resource that does not exist is Observation{Exists: false}
	// and no error.
	Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error)
	// Create makes the resource, tagged with t.Tags (at creation where the
	// API allows it), and returns its identity as soon as the service has
	// assigned one, without waiting for it to become ready. A name already
	// taken by a resource without Sluice's ownership tags is a stalled
	// error: Sluice never adopts what it does not own.
	Create(ctx context.Context, t sluice.Target) (sluice.Observation, error)
	// Update changes the resource to match t, given what Observe returned;
	// it sends only what differs. A change the service cannot make in
	// place returns ErrReplace.
	Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error)
	// Delete removes the resource, or takes the next step towards it and
	// returns a waiting error (disable, then delete). A resource that
	// must not be deleted as it is (a non-empty bucket, a database with
	// deletion protection) is a stalled error.
	Delete(ctx context.Context, t sluice.Target, current sluice.Observation) error
}

// OwnershipChecker is implemented by backends whose Create, for some
// resource types, reads the name itself: it refuses (stalled) a name a
// resource without Sluice's ownership tags holds and brings one Sluice
// owns in line, as Update would. The applier then creates a resource
// that is new to the inventory without reading it first, saving one read
// per resource of a cold apply against the account's API quota.
type OwnershipChecker interface {
	CreateChecksOwnership(t sluice.ResourceType) bool
}

// BulkObserver is implemented by backends that read many resources in
// fewer calls than one each (a listing of 100 a page, tags from the
// Resource Groups Tagging API): drift checks and the baselines read back
// after an apply go through it, so that reading an inventory back costs
// a fraction of the account's read quota.
type BulkObserver interface {
	// ObserveAll reads every target as Observe would, and returns their
	// observations in the order of ts. A failed read fails the call,
	// with its retry decision.
	ObserveAll(ctx context.Context, ts []sluice.Target) ([]sluice.Observation, error)
}

// EachObserver is implemented by bulk observers that read their targets
// one after another (Step Functions: one DescribeStateMachine each, 20 a
// second): a drift check is told of each observation as it arrives and
// compares it while the next waits for the read quota (see
// Applied.CompareObserved), instead of comparing every one after the
// last read.
type EachObserver interface {
	// ObserveEach is ObserveAll telling each of the observation of ts[i]
	// as soon as its spec is read, in the order of ts, from the calling
	// goroutine. Tags read in bulk may be missing from what each is
	// told; the observations returned are complete. each is told of no
	// more observations once a read has failed, and the call then fails
	// as ObserveAll does: what each was told is not an inventory.
	ObserveEach(ctx context.Context, ts []sluice.Target, each func(i int, obs sluice.Observation)) ([]sluice.Observation, error)
}

// BulkParter is implemented by bulk observers whose reads cost no more
// calls in parts than together past some number of targets (Step
// Functions: one DescribeStateMachine each, tags 100 a call from the
// tagging API). The baselines of an apply are then read in parts of that
// size as its changes end, instead of all once the apply is done: they
// draw on read quotas the changes do not use, and the apply's last
// change is not followed by a read of its whole inventory.
type BulkParter interface {
	// BulkPart returns the number of targets of type t worth reading
	// together; 0 or less: all of them at once.
	BulkPart(t sluice.ResourceType) int
}
