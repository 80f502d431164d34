package rds

import (
	"context"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

var _ reconcile.Adopter = (*Backend)(nil)

// Adopt adds t's tags to the instance current describes, its other tags
// kept, leaving its configuration as it is.
func (b *Backend) Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	tags := reconcile.AdoptedTags(t, current)
	if err := b.setTags(ctx, current.ARN, current.Tags, tags); err != nil {
		return current, b.classify(op("Adopt", t), err)
	}
	current.Tags = userTags(tags)
	return current, nil
}
