package rollout

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// rebuild rebuilds the inventory of d's environment from the ownership
// tags the backends hold, for when the state store holds nothing for it.
// Each rebuilt record the documents still declare takes their Source and
// Deletion policy; when its spec-hash tag equals the desired hash, what
// was applied is the desired spec, so it takes that spec (resolved) and,
// with refresh, the resource as read back now as its drift baseline;
// those observations are returned too (nil without refresh), so that the
// plan does not read the resources twice. It fails when a backend cannot
// list its resources or two resources claim one ID.
func rebuild(ctx context.Context, t *Target, d *Desired, refresh bool) ([]reconcile.Applied, map[sluice.ResourceID]sluice.Observation, error) {
	found, err := discoverAll(ctx, t.Backends, t.Bulk, t.BulkTypes, d.Project(), d.Env)
	if err != nil {
		return nil, nil, err
	}
	applied, err := reconcile.Rebuild(found)
	if err != nil {
		return nil, nil, err
	}
	completeFromDesired(applied, d.Resources, reconcile.Vars(t.Vars, applied))
	var observed map[sluice.ResourceID]sluice.Observation
	if refresh {
		if observed, err = setBaselines(ctx, t.Backends, applied); err != nil {
			return nil, nil, err
		}
	}
	return applied, observed, nil
}

// discoverAll asks each distinct backend, once, for its owned resources;
// bulk, when not nil, stands in for the backends of bulkTypes.
func discoverAll(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, bulk Discoverer, bulkTypes []sluice.ResourceType, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	if bulk != nil {
		got, err := bulk.Discover(ctx, project, env)
		if err != nil {
			return nil, fmt.Errorf("rebuild inventory: discover by tags: %w", err)
		}
		found = got
	}
	asked := map[reconcile.Backend]bool{}
	for _, typ := range slices.Sorted(maps.Keys(backends)) {
		b := backends[typ]
		d, ok := b.(Discoverer)
		if !ok || asked[b] || (bulk != nil && slices.Contains(bulkTypes, typ)) {
			continue
		}
		asked[b] = true
		got, err := d.Discover(ctx, project, env)
		if err != nil {
			return nil, fmt.Errorf("rebuild inventory: discover %s: %w", typ, err)
		}
		found = append(found, got...)
	}
	return found, nil
}

// completeFromDesired fills in what the tags cannot say from the desired
// resource of the same ID. A resource no longer desired gets the document
// its ID says it came from, so that an invalid document still holds what
// it produced.
func completeFromDesired(applied []reconcile.Applied, desired []sluice.Resource, vars map[string]string) {
	byID := make(map[sluice.ResourceID]*sluice.Resource, len(desired))
	for i := range desired {
		byID[desired[i].ID] = &desired[i]
	}
	for i := range applied {
		a := &applied[i]
		r, ok := byID[a.ID]
		if !ok {
			a.Source = sourceOf(a.ID)
			continue
		}
		a.Source, a.Deletion = r.Source, r.Deletion
		if a.SpecHash != r.Hash {
			continue
		}
		if spec, err := reconcile.Resolve(r.Spec, vars); err == nil {
			a.Spec = spec
		}
	}
}

// setBaselines reads back each rebuilt record whose spec is known and
// takes what AWS reports as its drift baseline: the last observation was
// lost with the state, and what AWS reports differs from what was sent
// in values it fills in or formats its own way.
func setBaselines(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, applied []reconcile.Applied) (map[sluice.ResourceID]sluice.Observation, error) {
	observed, err := Observe(ctx, backends, applied)
	if err != nil {
		return nil, err
	}
	for i := range applied {
		if o, ok := observed[applied[i].ID]; ok && o.Exists && !o.InProgress {
			applied[i].Observed = o.Spec
		}
	}
	return observed, nil
}

// sourceOf returns the document (Kind/name) the compiler makes a resource
// of id from, as the registry of types says (sluice.SourceOf). Rebuild
// refuses a resource of an unknown type before this is asked, so the ""
// returned for one is never recorded.
func sourceOf(id sluice.ResourceID) string {
	source, err := sluice.SourceOf(id)
	if err != nil {
		return ""
	}
	return source
}
