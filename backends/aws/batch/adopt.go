package batch

import (
	"context"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

var _ reconcile.Adopter = (*Backend)(nil)

// Adopt tags the compute environment, job queue or job definition
// revision current describes (a revision registered by hand is the one
// a job submitted by name runs) with t's tags, its other tags kept,
// leaving its configuration as it is.
func (b *Backend) Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	t.Tags = reconcile.AdoptedTags(t, current)
	if err := syncTags(ctx, b.client, t, current.ARN, current.Tags); err != nil {
		return current, err
	}
	current.Tags = t.Tags
	return current, nil
}
