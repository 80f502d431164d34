package local

import (
	"context"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

var _ reconcile.Adopter = (*kind)(nil)

// Adopt rewrites the tags of the record t's recorded identity names (its
// ARN when set, else its name): its tags with t's over them, its spec
// and status kept. A resource without a record (a bucket folder or a
// database made by hand) cannot be adopted: the local backend would
// have to invent its configuration.
func (k *kind) Adopt(_ context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	if t.ARN == "" {
		t.ARN = current.ARN
	}
	t = recorded(t)
	k.w.mu.Lock()
	defer k.w.mu.Unlock()
	r, err := k.w.read(k.typ, t.Name)
	switch {
	case err != nil:
		return current, err
	case r == nil || !isRecorded(t, r):
		return current, sluice.Stalled(sluice.E("local.Adopt: "+string(t.ID), sluice.KindNotFound,
			fmt.Errorf("%s has no record to adopt: the local backend adopts only what it recorded", t.Name)))
	}
	r.Tags, r.Updated = reconcile.AdoptedTags(t, current), time.Now().UTC()
	if err := k.w.write(r); err != nil {
		return current, err
	}
	return observe(r, t.Spec), nil
}
