package reconcile

import (
	"context"
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
// detection. Resources of a backend that reads in bulk (BulkObserver)
// are read together when the apply ends; the others at once. A failed
// read leaves the applied spec as the baseline, as does a crash before
// the bulk read.
type baselines struct {
	store   Store
	mu      sync.Mutex
	pending map[BulkObserver][]pendingBaseline
}

type pendingBaseline struct {
	target  sluice.Target
	applied Applied
}

// add reads applied's baseline now, or queues it for flush when b reads
// in bulk.
func (bl *baselines) add(ctx context.Context, b Backend, t sluice.Target, applied Applied) error {
	t.ARN = applied.ARN
	if bulk, ok := b.(BulkObserver); ok {
		bl.mu.Lock()
		defer bl.mu.Unlock()
		if bl.pending == nil {
			bl.pending = map[BulkObserver][]pendingBaseline{}
		}
		bl.pending[bulk] = append(bl.pending[bulk], pendingBaseline{t, applied})
		return nil
	}
	obs, err := b.Observe(ctx, t)
	if !settled(obs, err) {
		return nil
	}
	applied.Observed = obs.Spec
	return bl.store.Save(applied)
}

// settled reports whether a read back is fit as a drift baseline.
func settled(obs sluice.Observation, err error) bool {
	return err == nil && obs.Exists && !obs.InProgress && len(obs.Spec) > 0
}

// flush reads the queued resources back, a backend at a time, and saves
// the baselines of those that have settled.
func (bl *baselines) flush(ctx context.Context) {
	for b, queued := range bl.pending {
		ts := make([]sluice.Target, len(queued))
		for i, p := range queued {
			ts[i] = p.target
		}
		obs, err := b.ObserveAll(ctx, ts)
		if err != nil {
			continue
		}
		var save []Applied
		for i, p := range queued {
			if settled(obs[i], nil) {
				p.applied.Observed = obs[i].Spec
				save = append(save, p.applied)
			}
		}
		bl.save(save)
	}
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
