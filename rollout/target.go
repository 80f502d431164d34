package rollout

import (
	"context"
	"fmt"
	"io"
	"sync"

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
	// Artifacts reads the objects of the environment's buckets (what
	// runs wrote); nil when the target cannot.
	Artifacts ArtifactReader
}

// ArtifactReader opens an object of one of an environment's buckets.
type ArtifactReader interface {
	// OpenArtifact opens uri (s3://BUCKET/KEY) of a bucket of env, at
	// version when it is not empty. It fails with a *sluice.Error of
	// KindInvalid for another kind of address and KindNotFound when the
	// bucket is not env's or the object does not exist.
	OpenArtifact(ctx context.Context, env, uri, version string) (io.ReadCloser, error)
}

// Discoverer finds the resources that carry Sluice's ownership tags for
// a project and environment. Backends that can list their resources
// implement it; rebuilding an inventory needs it.
type Discoverer interface {
	Discover(ctx context.Context, project, env string) ([]sluice.Observation, error)
}

// Observe reads every applied resource back from its backend: the
// resources of each type in one go, types side by side (each type's
// calls draw on their own quotas), through the backend's ObserveAll
// where it has one (reconcile.BulkObserver). It fails on the first read
// that fails.
func Observe(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, applied []reconcile.Applied) (map[sluice.ResourceID]sluice.Observation, error) {
	return ObserveEach(ctx, backends, applied, nil)
}

// ObserveEach is Observe telling each, when not nil, of every
// observation as it arrives: one by one from a backend that reads one
// after another (reconcile.EachObserver, possibly before the tags it
// reads in bulk), else those of a type once all of them are read. each
// is called from the types' goroutines, side by side, never twice for
// one resource. What each was told is not an inventory: a read that
// fails fails the call (and each may have been told of other resources
// before).
func ObserveEach(ctx context.Context, backends map[sluice.ResourceType]reconcile.Backend, applied []reconcile.Applied,
	each func(sluice.ResourceID, sluice.Observation)) (map[sluice.ResourceID]sluice.Observation, error) {
	byType := map[sluice.ResourceType][]sluice.Target{}
	for _, a := range applied {
		if _, ok := backends[a.Type]; !ok || len(a.Spec) == 0 {
			// No spec: a record rebuilt from tags whose applied
			// spec is unknown; there is nothing to compare with.
			continue
		}
		t := sluice.Target{Resource: sluice.Resource{ID: a.ID, Type: a.Type, Name: a.Name, Spec: a.Spec}, ARN: a.ARN}
		byType[a.Type] = append(byType[a.Type], t)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		out   = make(map[sluice.ResourceID]sluice.Observation, len(applied))
		first error
		wg    sync.WaitGroup
	)
	for typ, ts := range byType {
		wg.Go(func() {
			obs, err := observeType(ctx, backends[typ], ts, each)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = err
				cancel()
			}
			for i, o := range obs {
				out[ts[i].ID] = o
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, first
	}
	return out, ctx.Err()
}

// observeType reads targets of one type: in bulk when b can, else one by
// one, telling each (when not nil) of every observation (see
// ObserveEach). The observations are in the order of ts.
func observeType(ctx context.Context, b reconcile.Backend, ts []sluice.Target, each func(sluice.ResourceID, sluice.Observation)) ([]sluice.Observation, error) {
	if one, ok := b.(reconcile.EachObserver); ok && each != nil {
		obs, err := one.ObserveEach(ctx, ts, func(i int, o sluice.Observation) { each(ts[i].ID, o) })
		if err != nil {
			return nil, fmt.Errorf("observe %d %s resources: %w", len(ts), ts[0].Type, err)
		}
		return obs, nil
	}
	obs, err := observeAll(ctx, b, ts)
	if err == nil && each != nil {
		for i, o := range obs {
			each(ts[i].ID, o)
		}
	}
	return obs, err
}

// observeAll reads targets of one type: in bulk when b can, else one by
// one. The observations are in the order of ts.
func observeAll(ctx context.Context, b reconcile.Backend, ts []sluice.Target) ([]sluice.Observation, error) {
	if bulk, ok := b.(reconcile.BulkObserver); ok {
		obs, err := bulk.ObserveAll(ctx, ts)
		if err != nil {
			return nil, fmt.Errorf("observe %d %s resources: %w", len(ts), ts[0].Type, err)
		}
		return obs, nil
	}
	out := make([]sluice.Observation, len(ts))
	for i, t := range ts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		obs, err := b.Observe(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("observe %s: %w", t.ID, err)
		}
		out[i] = obs
	}
	return out, nil
}
