package reconcile

import (
	"context"
	"encoding/json"
	"maps"
	"reflect"
	"strings"
	"sync"

	"github.com/sluice-dev/sluice"
)

// BatchSaver is implemented by stores that record many resources in one
// durable transaction; the baselines read back in bulk after an apply
// are saved through it.
type BatchSaver interface {
	SaveAll(as []Applied) error
}

// baselines reads resources back once they are applied and, when they
// have settled, records what the service reports as the baseline of drift
// detection, keeping the values asked where it reports others (see
// Baseline). Resources of a backend that reads in bulk (BulkObserver)
// are read together: as soon as every change of that backend in the
// apply has ended, or a part's worth of them is queued (BulkParter), and
// what is left when the apply ends; the others at once. A failed read
// leaves the applied spec as the baseline, as does a crash before the
// bulk read.
type baselines struct {
	store Store
	// left counts, per bulk observer, the changes of the apply that have
	// not ended yet.
	left    map[BulkObserver]int
	mu      sync.Mutex
	pending map[BulkObserver][]pendingBaseline
	reads   sync.WaitGroup
}

type pendingBaseline struct {
	target  sluice.Target
	applied Applied
}

// newBaselines returns the baselines of an apply whose changes run on
// backends: each change's backend, when it reads in bulk, is counted
// until the change ends (see ended).
func newBaselines(store Store, changes []Change, backends map[sluice.ResourceType]Backend) *baselines {
	bl := &baselines{store: store, left: map[BulkObserver]int{}, pending: map[BulkObserver][]pendingBaseline{}}
	for _, c := range changes {
		if bulk, ok := backends[changeType(c)].(BulkObserver); ok {
			bl.left[bulk]++
		}
	}
	return bl
}

// add reads applied's baseline now, or queues it when b reads in bulk,
// reading the queue in the background once it holds a part's worth.
func (bl *baselines) add(ctx context.Context, b Backend, t sluice.Target, applied Applied) error {
	t.ARN = applied.ARN
	if bulk, ok := b.(BulkObserver); ok {
		bl.mu.Lock()
		defer bl.mu.Unlock()
		bl.pending[bulk] = append(bl.pending[bulk], pendingBaseline{t, applied})
		if p, ok := b.(BulkParter); ok && p.BulkPart(t.Type) > 0 && len(bl.pending[bulk]) >= p.BulkPart(t.Type) {
			bl.readLocked(ctx, bulk)
		}
		return nil
	}
	obs, err := b.Observe(ctx, t)
	if !settled(obs, err) {
		return nil
	}
	setBaseline(&applied, t, obs, carriesUserTags(b, t.Type))
	return bl.store.Save(applied)
}

// settled reports whether a read back is fit as a drift baseline.
func settled(obs sluice.Observation, err error) bool {
	return err == nil && obs.Exists && !obs.InProgress && len(obs.Spec) > 0
}

// ended notes that a change run on b has ended; once every change of a
// bulk observer has, what it queued is read in the background.
func (bl *baselines) ended(ctx context.Context, b Backend) {
	bulk, ok := b.(BulkObserver)
	if !ok {
		return
	}
	bl.mu.Lock()
	defer bl.mu.Unlock()
	if bl.left[bulk]--; bl.left[bulk] == 0 {
		bl.readLocked(ctx, bulk)
	}
}

// readLocked reads what bulk has queued in the background; bl.mu is
// held.
func (bl *baselines) readLocked(ctx context.Context, bulk BulkObserver) {
	queued := bl.pending[bulk]
	delete(bl.pending, bulk)
	if len(queued) > 0 {
		bl.reads.Go(func() { bl.read(ctx, bulk, queued) })
	}
}

// flush reads what is still queued, waits for the reads in the
// background, and returns once every baseline read has been saved.
func (bl *baselines) flush(ctx context.Context) {
	bl.mu.Lock()
	for bulk := range bl.pending {
		bl.readLocked(ctx, bulk)
	}
	bl.mu.Unlock()
	bl.reads.Wait()
}

// read reads queued back through b and saves the baselines of those
// that have settled.
func (bl *baselines) read(ctx context.Context, b BulkObserver, queued []pendingBaseline) {
	ts := make([]sluice.Target, len(queued))
	for i, p := range queued {
		ts[i] = p.target
	}
	obs, err := b.ObserveAll(ctx, ts)
	if err != nil {
		return
	}
	var save []Applied
	for i, p := range queued {
		if settled(obs[i], nil) {
			setBaseline(&p.applied, p.target, obs[i], carriesUserTags(b, p.target.Type))
			save = append(save, p.applied)
		}
	}
	bl.save(save)
}

// save records as, in one transaction when the store can.
func (bl *baselines) save(as []Applied) {
	if bs, ok := bl.store.(BatchSaver); ok {
		_ = bs.SaveAll(as)
		return
	}
	for _, a := range as {
		_ = bl.store.Save(a)
	}
}

// setBaseline records in a the baseline of t as read back in obs.
func setBaseline(a *Applied, t sluice.Target, obs sluice.Observation, userTags bool) {
	a.Observed = Baseline(t.Spec, obs.Spec)
	a.ObservedTags = BaselineTags(t.Tags, obs.Tags, userTags)
}

// carriesUserTags reports whether b keeps the user tags of resources of
// type typ (see UserTagCarrier).
func carriesUserTags(b any, typ sluice.ResourceType) bool {
	c, ok := b.(UserTagCarrier)
	return !ok || c.CarriesUserTags(typ)
}

// Baseline returns the drift baseline of a resource read back right after
// it was applied with the spec asked: what the service reports
// (observed), so that the values it fills in or writes in its own form
// are not drift, except where it reports a field of asked with another
// value (an update it clamped or ignored): that field keeps the value
// asked, so that the next plan shows it as drift instead of silently
// accepting it. A field the service does not report at all (write-only,
// or not read back) is not compared, and one asked does not report is
// left out. Invalid JSON on either side gives observed.
func Baseline(asked, observed json.RawMessage) json.RawMessage {
	var va, vo any
	if json.Unmarshal(asked, &va) != nil || json.Unmarshal(observed, &vo) != nil {
		return observed
	}
	vo = dropEmpty(vo)
	merged := keepAsked(dropEmpty(va), vo)
	if reflect.DeepEqual(merged, vo) {
		return observed
	}
	out, err := json.Marshal(merged)
	if err != nil {
		return observed
	}
	return out
}

// keepAsked is observed with asked's value wherever both set a field and
// their values differ; objects are merged key by key, anything else
// (lists included) taken whole.
func keepAsked(asked, observed any) any {
	if asked == nil || observed == nil {
		return observed
	}
	am, ok1 := asked.(map[string]any)
	om, ok2 := observed.(map[string]any)
	if ok1 && ok2 {
		out := make(map[string]any, len(om))
		for k, ov := range om {
			out[k] = keepAsked(am[k], ov)
		}
		return out
	}
	if reflect.DeepEqual(asked, observed) {
		return observed
	}
	return asked
}

// BaselineTags returns the tag baseline of a resource read back right
// after it was applied with the tags asked: the tags observed, except
// that a tag asked and observed with another value, or missing, keeps
// the value asked, so that it shows as drift. User tags are left to what
// is observed when the backend does not carry them on the resource's
// type (userTags false: a schedule keeps only Sluice's marker). An
// observation with no tags at all (a service that keeps none, or a
// tagging API that has not caught up) gives an empty baseline: tags are
// then not compared until the next apply reads them.
func BaselineTags(asked, observed map[string]string, userTags bool) map[string]string {
	if len(observed) == 0 {
		return map[string]string{}
	}
	out := maps.Clone(observed)
	for k, v := range asked {
		if !userTags && !IsOwnershipTag(k) {
			continue
		}
		if got, ok := observed[k]; !ok || got != v {
			out[k] = v
		}
	}
	return out
}

// ownershipPrefix starts the keys of Sluice's ownership tags.
const ownershipPrefix = "sluice.dev/"

// IsOwnershipTag reports whether k is the key of one of Sluice's own
// tags (sluice.dev/...).
func IsOwnershipTag(k string) bool { return strings.HasPrefix(k, ownershipPrefix) }

// UserTagCarrier is implemented by backends that cannot carry user tags
// on some resource types (an EventBridge Scheduler schedule has no tags:
// its backend writes Sluice's ownership marker into its description).
// A baseline made without reading the resource back (an inventory
// rebuilt from tags) leaves those types' user tags out, so that they
// are not always drift.
type UserTagCarrier interface {
	CarriesUserTags(t sluice.ResourceType) bool
}
