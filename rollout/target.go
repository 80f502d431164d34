package rollout

import (
	"context"
	"fmt"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// Target is where an environment's resources live: a backend per
// resource type and the placeholder values of the account they run in.
type Target struct {
	Backends map[sluice.ResourceType]reconcile.Backend
	// Vars are the placeholder values (${aws.region}, ...).
	Vars map[string]string
	// Bulk, when set, finds the owned resources of BulkTypes in bulk
	// (the Resource Groups Tagging API) when an inventory is rebuilt;
	// the other types are found by their backends.
	Bulk      Discoverer
	BulkTypes []sluice.ResourceType
	// Runner starts and follows executions of the deployed pipelines;
	// nil when the target cannot run them.
	Runner sluice.Runner
}

// Discoverer finds the resources that carry Sluice's ownership tags for
// a project and environment. Backends that can list their resources
// implement it; rebuilding an inventory needs it.
type Discoverer interface {
	Discover(ctx context.Context, project, env string) ([]sluice.Observation, error)
}

// Observe reads every applied resource back from its backend. It fails
// on the first read that fails.
func Observe(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, applied []reconcile.Applied) (map[sluice.ResourceID]sluice.Observation, error) {
	out := make(map[sluice.ResourceID]sluice.Observation, len(applied))
	for _, a := range applied {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, ok := backends[a.Type]
		if !ok || len(a.Spec) == 0 {
			// No spec: a record rebuilt from tags whose applied
			// spec is unknown; there is nothing to compare with.
			continue
		}
		t := sluice.Target{Resource: sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name, Spec: a.Spec}, ARN: a.ARN}
		obs, err := b.Observe(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("observe %s: %w", a.ID, err)
		}
		out[a.ID] = obs
	}
	return out, nil
}
