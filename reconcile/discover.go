package reconcile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sluice-dev/sluice"
)

// Rebuild turns the resources discovered in AWS by their ownership tags
// (each backend's Discover, for one project and environment) into the
// inventory a lost state file held: one Applied per resource, its ID from
// the sluice.dev/resource tag, its Type from that ID, its physical Name
// from its ARN, its SpecHash from the sluice.dev/spec-hash tag. What the
// tags do not say is left empty (Source, Spec, Observed) or chosen safe:
// Deletion is the type's default from the registry (retain for the
// stateful types, Bucket and DBInstance). The result is sorted by ID.
//
// It fails, naming both, when two resources claim the same ID (Sluice
// cannot tell which one it created), and on a resource tag that is not
// "Type/name" of a type Sluice knows.
func Rebuild(found []sluice.Observation) ([]Applied, error) {
	byID := make(map[sluice.ResourceID]Applied, len(found))
	for _, o := range found {
		a, err := rebuilt(o)
		if err != nil {
			return nil, err
		}
		if prev, dup := byID[a.ID]; dup {
			return nil, fmt.Errorf("rebuild inventory: %s is claimed by both %s and %s: remove or retag the one Sluice did not create", a.ID, prev.ARN, a.ARN)
		}
		byID[a.ID] = a
	}
	out := make([]Applied, 0, len(byID))
	for _, a := range byID {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// rebuilt is the Applied record an owned resource's tags and ARN give.
func rebuilt(o sluice.Observation) (Applied, error) {
	id := sluice.ResourceID(o.Tags[sluice.TagResource])
	info, err := sluice.TypeOfID(id)
	if err != nil {
		return Applied{}, fmt.Errorf("rebuild inventory: %s: resource tag: %w", o.ARN, err)
	}
	a := Applied{ID: id, Type: info.Type, Name: NameFromARN(info.Type, o.ARN),
		ARN: o.ARN, SpecHash: o.Tags[sluice.TagSpecHash], Deletion: info.Deletion}
	return a, nil
}

// NameFromARN returns the physical name in an ARN of a resource of type
// typ: what follows the last "/" (Batch, Scheduler) or else the last ":"
// (Step Functions, S3, RDS), without a job definition's ":revision". It
// returns the ARN itself when it has neither.
func NameFromARN(typ sluice.ResourceType, arn string) string {
	name := arn
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
		if typ == sluice.TypeJobDefinition {
			name, _, _ = strings.Cut(name, ":")
		}
		return name
	}
	if i := strings.LastIndex(name, ":"); i >= 0 {
		return name[i+1:]
	}
	return name
}
