package reconcile

import (
	"sort"

	"github.com/sluice-dev/sluice"
)

// typeRank orders resource types by what must exist first: stores and
// compute before queues, job definitions before state machines,
// schedules last.
func typeRank(t sluice.ResourceType) int {
	switch t {
	case sluice.TypeBucket:
		return 0
	case sluice.TypeDBInstance:
		return 1
	case sluice.TypeComputeEnvironment:
		return 2
	case sluice.TypeJobQueue:
		return 3
	case sluice.TypeJobDefinition:
		return 4
	case sluice.TypeStateMachine:
		return 5
	case sluice.TypeSchedule:
		return 6
	}
	return 7
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
