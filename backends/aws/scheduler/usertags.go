package scheduler

import (
	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// CarriesUserTags reports false: a schedule has no tags (only schedule
// groups do), so the backend keeps only Sluice's ownership marker, in
// the description, and a schedule's user tags are never read back.
func (b *Backend) CarriesUserTags(sluice.ResourceType) bool { return false }

var _ reconcile.UserTagCarrier = (*Backend)(nil)
