package s3

import (
	"context"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

var _ reconcile.Adopter = (*Backend)(nil)

// Adopt sets the bucket's tag set to its tags with t's over them,
// leaving its configuration and objects as they are.
func (b *Backend) Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	const name = "Adopt"
	s, err := parseSpec(op(name, t), t)
	if err != nil {
		return current, err
	}
	tags := reconcile.AdoptedTags(t, current)
	if err := b.putTags(ctx, s.bucket, tags); err != nil {
		return current, classify(op(name, t), err)
	}
	current.Tags = userTags(tags)
	return current, nil
}
