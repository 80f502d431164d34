package sfn

import (
	"context"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

var _ reconcile.Adopter = (*Backend)(nil)

// Adopt tags the state machine current describes with t's tags (its
// other tags kept), leaving its definition as it is.
func (b *Backend) Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	tags := reconcile.AdoptedTags(t, current)
	if err := b.retag(ctx, current.ARN, tags, current.Tags); err != nil {
		return current, classify("tag state machine", t.Name, err)
	}
	current.Tags = withoutAWSKeys(tags)
	return current, nil
}
