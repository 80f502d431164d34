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
// was applied is the desired spec, so it takes that spec (resolved), the
// desired tags, file and dependencies, and spec and tags are its drift
// baseline: what AWS reports now
// is compared with them, so drift made while the state file was gone
// shows. A record whose spec-hash tag matches nothing keeps no spec and
// is planned as an update. With refresh, the resources are read back and
// those observations returned (nil without refresh), so that the plan
// does not read them twice. It fails when a backend cannot list its
// resources or two resources claim one ID.
func rebuild(ctx context.Context, t *Target, d *Desired, refresh bool) ([]reconcile.Applied, map[sluice.ResourceID]sluice.Observation, error) {
	found, err := discoverAll(ctx, t.Backends, t.Bulk, t.BulkTypes, d.Project(), d.Env)
	if err != nil {
		return nil, nil, err
	}
	applied, err := reconcile.Rebuild(found)
	if err != nil {
		return nil, nil, err
	}
	// What was found as the documents say it now takes their spec.
	same := make(map[sluice.ResourceID]string, len(applied))
	for _, a := range applied {
		same[a.ID] = a.SpecHash
	}
	if err := d.fillSpecs(func(r *sluice.Resource) bool { return same[r.ID] == r.Hash }); err != nil {
		return nil, nil, err
	}
	completeFromDesired(applied, d.Resources, reconcile.Vars(t.Vars, applied))
	tagBaselines(applied, t.Backends)
	var observed map[sluice.ResourceID]sluice.Observation
	if refresh {
		if observed, err = Observe(ctx, t.Backends, applied); err != nil {
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
		// What was applied is what the documents say now: it came from
		// their file and needs their dependencies, so holds by file
		// cover it precisely.
		a.File, a.DependsOn = r.File, slices.Clone(r.DependsOn)
		if spec, err := reconcile.Resolve(r.Spec, vars); err == nil {
			a.Spec, a.Tags = spec, maps.Clone(r.Tags)
		}
	}
}

// tagBaselines sets the tag baseline of each rebuilt record whose tags
// are known: its tags, without the user tags its backend cannot carry on
// its type (reconcile.UserTagCarrier), which would otherwise always show
// as removed.
func tagBaselines(applied []reconcile.Applied, backends map[sluice.ResourceType]reconcile.Backend) {
	for i := range applied {
		a := &applied[i]
		if a.Tags == nil {
			continue
		}
		a.ObservedTags = maps.Clone(a.Tags)
		if c, ok := backends[a.Type].(reconcile.UserTagCarrier); ok && !c.CarriesUserTags(a.Type) {
			maps.DeleteFunc(a.ObservedTags, func(k, _ string) bool { return !reconcile.IsOwnershipTag(k) })
		}
	}
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
