package reconcile

import (
	"sort"

	"github.com/sluice-dev/sluice"
)

// typeRanks gives each type its place in apply order, from the registry
// of types (sluice.Types): stores and compute before queues, job
// definitions before state machines, schedules last. An unknown type
// ranks after every known one; the plan never changes a resource of an
// unknown type (see planGone), so its place only keeps the order stable.
// Read once per sort: a lookup copies the registry's table, and a sort
// of 19,000 changes compares hundreds of thousands of times.
type typeRanks map[sluice.ResourceType]int

func newTypeRanks() typeRanks {
	types := sluice.Types()
	out := make(typeRanks, len(types))
	for _, info := range types {
		out[info.Type] = info.Rank
	}
	return out
}

// of returns the place of c's type.
func (r typeRanks) of(c Change) int {
	if rank, ok := r[changeType(c)]; ok {
		return rank
	}
	return len(r)
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
	ranks := newTypeRanks()
	sort.SliceStable(changes, func(i, j int) bool {
		ri, rj := ranks.of(changes[i]), ranks.of(changes[j])
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
	ranks := newTypeRanks()
	sort.SliceStable(changes, func(i, j int) bool {
		ri, rj := ranks.of(changes[i]), ranks.of(changes[j])
		if ri != rj {
			return ri > rj
		}
		return changes[i].ID < changes[j].ID
	})
	return changes
}
