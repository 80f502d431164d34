package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/tagging"
	"github.com/sluice-dev/sluice/reconcile"
)

// discoverer is what rebuilding an inventory needs of a backend: the
// resources of its types that carry Sluice's ownership tags for a project
// and environment.
type discoverer interface {
	Discover(ctx context.Context, project, env string) ([]sluice.Observation, error)
}

// rebuildInventory rebuilds the inventory of run's environment from the
// ownership tags AWS holds, for when the state file is missing or holds
// nothing for it, and says so on stderr. Each rebuilt record the
// documents still declare takes their Source and Deletion policy; when its
// spec-hash tag equals the desired hash, what was applied is the desired
// spec, so it takes that spec (resolved) and, with refresh, the resource
// as read back now as its drift baseline; those observations are
// returned too (nil without refresh), so that the plan does not read
// the resources twice. It fails when a backend cannot list its resources
// or two resources claim one ID.
func rebuildInventory(ctx context.Context, stderr io.Writer, env *awsEnv, run *envRun, refresh bool, bulk discoverer) ([]reconcile.Applied, map[sluice.ResourceID]sluice.Observation, error) {
	found, err := discoverAll(ctx, env.backends, bulk, run.snap.Project.Name, run.env)
	if err != nil {
		return nil, nil, err
	}
	applied, err := reconcile.Rebuild(found)
	if err != nil {
		return nil, nil, err
	}
	completeFromDesired(applied, run.resources, reconcile.Vars(env.vars, applied))
	var observed map[sluice.ResourceID]sluice.Observation
	if refresh {
		if observed, err = setBaselines(ctx, env.backends, applied); err != nil {
			return nil, nil, err
		}
	}
	fmt.Fprintf(stderr, "no state for %s: inventory rebuilt from ownership tags (%d resources)\n", run.env, len(applied))
	return applied, observed, nil
}

// discoverAll asks each distinct backend, once, for its owned resources;
// bulk, when not nil, stands in for the backends of bulkTypes.
func discoverAll(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, bulk discoverer, project, env string) ([]sluice.Observation, error) {
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
		d, ok := b.(discoverer)
		if !ok || asked[b] || (bulk != nil && slices.Contains(bulkTypes(), typ)) {
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
	observed, err := observe(ctx, backends, applied)
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

// planInventory is the inventory plan works from: the state file's
// record of the environment or, when it has none, the one rebuilt from
// AWS. It returns the connected environment when it had to connect, and
// what rebuilding read back (see rebuildInventory).
func (o *targetOptions) planInventory(ctx context.Context, g *globalOptions, run *envRun) ([]reconcile.Applied, *awsEnv, map[sluice.ResourceID]sluice.Observation, error) {
	applied, err := readInventory(o.state, run)
	if err != nil || len(applied) > 0 {
		return applied, nil, nil, err
	}
	env, err := o.aws.connect(ctx, o.env)
	if err != nil {
		return nil, nil, nil, err
	}
	applied, observed, err := rebuildInventory(ctx, g.stderr, env, run, o.refresh, o.aws.bulkDiscoverer(env))
	return applied, env, observed, err
}

// rebuildAndSave rebuilds the environment's inventory when the store
// holds none and saves it, so that what apply then creates joins a
// complete inventory. Rebuilt records carry no revision: the one that
// applied them is not known. It returns what rebuilding read back, nil
// when nothing was rebuilt.
func (o *targetOptions) rebuildAndSave(ctx context.Context, g *globalOptions, env *awsEnv, run *envRun, store envStore, applied []reconcile.Applied) ([]reconcile.Applied, map[sluice.ResourceID]sluice.Observation, error) {
	if len(applied) > 0 {
		return applied, nil, nil
	}
	applied, observed, err := rebuildInventory(ctx, g.stderr, env, run, o.refresh, o.aws.bulkDiscoverer(env))
	if err != nil {
		return nil, nil, err
	}
	store.revision = ""
	for _, a := range applied {
		if err := store.Save(a); err != nil {
			return nil, nil, err
		}
	}
	return applied, observed, nil
}

// sourceOf returns the document (Kind/name) the compiler makes a resource
// of id from: an ArtifactStore makes a Bucket, a MetadataStore a
// DBInstance, a ComputeEnvironment its compute environment and queue, a
// Pipeline its state machine, schedule and job definitions (named
// "pipeline.step"). It returns "" for a type it does not know.
func sourceOf(id sluice.ResourceID) string {
	typ, name, _ := strings.Cut(string(id), "/")
	switch sluice.ResourceType(typ) {
	case sluice.TypeBucket:
		return "ArtifactStore/" + name
	case sluice.TypeDBInstance:
		return "MetadataStore/" + name
	case sluice.TypeComputeEnvironment, sluice.TypeJobQueue:
		return "ComputeEnvironment/" + name
	case sluice.TypeStateMachine, sluice.TypeSchedule:
		return "Pipeline/" + name
	case sluice.TypeJobDefinition:
		pipeline, _, _ := strings.Cut(name, ".")
		return "Pipeline/" + pipeline
	}
	return ""
}

// bulkTypes are the types the tagging API discovers in bulk.
func bulkTypes() []sluice.ResourceType {
	return []sluice.ResourceType{sluice.TypeStateMachine, sluice.TypeBucket}
}

// bulkDiscoverer returns the Resource Groups Tagging API discoverer of
// state machines and buckets (a page of 100 resources a call, where
// their services need a call per resource), nil when the tagging API is
// not reachable: an endpoint is configured (an emulator, which does not
// serve it) without one of the tagging API's own
// (AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API).
func (o *awsOptions) bulkDiscoverer(env *awsEnv) discoverer {
	if !useTagging(o.endpoint, os.Getenv) {
		return nil
	}
	return tagging.New(rgt.NewFromConfig(env.cfg), tagging.TypeStateMachine, tagging.TypeBucket)
}

// useTagging reports whether the tagging API is reachable given the
// --endpoint-url flag and the environment.
func useTagging(endpoint string, getenv func(string) string) bool {
	if getenv("AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API") != "" {
		return true
	}
	return endpoint == "" && getenv("AWS_ENDPOINT_URL") == ""
}
