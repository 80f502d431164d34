package reconcile

import (
	"sort"

	"github.com/sluice-dev/sluice"
)

// typeRank is the type's place in apply order, from the registry of
// types (sluice.Types): stores and compute before queues, job
// definitions before state machines, schedules last. An unknown type
// ranks after every known one; the plan never changes a resource of an
// unknown type (see planGone), so its place only keeps the order stable.
func typeRank(t sluice.ResourceType) int {
	info, err := sluice.LookupType(t)
	if err != nil {
		return len(sluice.Types())
	}
	return info.Rank
}

func changeType(c Change) sluice.ResourceType {
	if c.Desired != nil {
		return c.Desired.Type
	}
	if c.Applied != nil {
		return c.Applied.Type
	}
	return ""
}

// orderByDependencies sorts changes so that each comes after the changes
// of the resources it depends on: by type rank (which the compiler's
// dependencies follow), then by ID for a stable order.
func orderByDependencies(changes []Change) []Change {
	sort.SliceStable(changes, func(i, j int) bool {
		ri, rj := typeRank(changeType(changes[i])), typeRank(changeType(changes[j]))
		if ri != rj {
			return ri < rj
		}
		return changes[i].ID < changes[j].ID
	})
	return changes
}

// reverseDependencyOrder sorts deletions so dependents go first:
// schedules before state machines, queues before compute environments.
func reverseDependencyOrder(changes []Change) []Change {
	sort.SliceStable(changes, func(i, j int) bool {
		ri, rj := typeRank(changeType(changes[i])), typeRank(changeType(changes[j]))
		if ri != rj {
			return ri > rj
		}
		return changes[i].ID < changes[j].ID
	})
	return changes
}
