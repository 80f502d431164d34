package batch

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice"
)

// jobDefinitions manages JobDefinition resources: immutable revisions of
// one name, the newest active one being the resource's state.
type jobDefinitions struct {
	client Client
	keep   int
}

// statusActive is the status of a revision that can run jobs.
const statusActive = "ACTIVE"

// active returns every ACTIVE revision of t's name, newest first.
func (j jobDefinitions) active(ctx context.Context, t sluice.Target) ([]types.JobDefinition, error) {
	in := &batch.DescribeJobDefinitionsInput{JobDefinitionName: &t.Name, Status: aws.String(statusActive)}
	var revs []types.JobDefinition
	for p := batch.NewDescribeJobDefinitionsPaginator(j.client, in); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify("DescribeJobDefinitions", t, err)
		}
		for _, d := range out.JobDefinitions {
			if aws.ToString(d.Status) == statusActive && aws.ToString(d.JobDefinitionName) == t.Name {
				revs = append(revs, d)
			}
		}
	}
	slices.SortFunc(revs, func(a, b types.JobDefinition) int {
		return int(aws.ToInt32(b.Revision)) - int(aws.ToInt32(a.Revision))
	})
	return revs, nil
}

// observe turns the latest revision (nil: none) into an Observation.
func (j jobDefinitions) observe(t sluice.Target, latest *types.JobDefinition) (sluice.Observation, error) {
	if latest == nil {
		return sluice.Observation{}, nil
	}
	spec, err := observedSpec(t.Spec, latest)
	if err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	return sluice.Observation{Exists: true, ARN: aws.ToString(latest.JobDefinitionArn),
		Tags: visibleTags(latest.Tags), Spec: spec, Status: aws.ToString(latest.Status)}, nil
}

// Observe reads the latest ACTIVE revision of the name; a name with no
// active revision does not exist.
func (j jobDefinitions) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	revs, err := j.active(ctx, t)
	if err != nil || len(revs) == 0 {
		return sluice.Observation{}, err
	}
	return j.observe(t, &revs[0])
}

// Create registers the first revision, or, when the name already has
// revisions Sluice owns, does what Update does. A latest revision
// without Sluice's tags is a stalled error.
func (j jobDefinitions) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	revs, err := j.active(ctx, t)
	if err != nil {
		return sluice.Observation{}, err
	}
	if len(revs) > 0 {
		current, err := j.observe(t, &revs[0])
		if _, err := ownedOrStalled(t, current, err); err != nil {
			return sluice.Observation{}, err
		}
	}
	return j.apply(ctx, t, revs)
}

// Update registers a new revision when the definition differs in meaning
// from the latest active one, syncs the latest revision's tags
// otherwise, and deregisters the revisions beyond the newest KeepRevisions.
func (j jobDefinitions) Update(ctx context.Context, t sluice.Target, _ sluice.Observation) (sluice.Observation, error) {
	revs, err := j.active(ctx, t)
	if err != nil {
		return sluice.Observation{}, err
	}
	return j.apply(ctx, t, revs)
}

// apply makes the latest active revision match t, given the active
// revisions newest first.
func (j jobDefinitions) apply(ctx context.Context, t sluice.Target, revs []types.JobDefinition) (sluice.Observation, error) {
	var latest *types.JobDefinition
	if len(revs) > 0 {
		latest = &revs[0]
	}
	same, err := sameDefinition(t, latest)
	if err != nil {
		return sluice.Observation{}, err
	}
	if !same {
		return j.register(ctx, t, revs)
	}
	obs, err := j.observe(t, latest)
	if err != nil || maps.Equal(obs.Tags, t.Tags) {
		return obs, err
	}
	if err := syncTags(ctx, j.client, t, obs.ARN, obs.Tags); err != nil {
		return obs, err
	}
	obs.Tags = t.Tags
	return obs, nil
}

// sameDefinition reports whether latest (nil: none) has t's definition,
// compared by meaning.
func sameDefinition(t sluice.Target, latest *types.JobDefinition) (bool, error) {
	if latest == nil {
		return false, nil
	}
	want, err := decodeSpec(t.Spec)
	if err != nil {
		return false, invalidSpec(t, err)
	}
	spec, err := observedSpec(t.Spec, latest)
	if err != nil {
		return false, invalidSpec(t, err)
	}
	have, err := decodeSpec(spec)
	if err != nil {
		return false, invalidSpec(t, err)
	}
	return reflect.DeepEqual(want, have), nil
}

// register registers a new revision tagged with t.Tags, then
// deregisters the old ones beyond the newest KeepRevisions.
func (j jobDefinitions) register(ctx context.Context, t sluice.Target, revs []types.JobDefinition) (sluice.Observation, error) {
	var in batch.RegisterJobDefinitionInput
	if err := json.Unmarshal(t.Spec, &in); err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	in.Tags = t.Tags
	out, err := j.client.RegisterJobDefinition(ctx, &in)
	if err != nil {
		return sluice.Observation{}, classify("RegisterJobDefinition", t, err)
	}
	obs := sluice.Observation{Exists: true, ARN: aws.ToString(out.JobDefinitionArn), Tags: t.Tags, Status: statusActive}
	want, err := decodeSpec(t.Spec)
	if err != nil {
		return obs, invalidSpec(t, err)
	}
	if obs.Spec, err = json.Marshal(want); err != nil {
		return obs, invalidSpec(t, err)
	}
	if len(revs) >= j.keep {
		return obs, j.deregister(ctx, t, revs[j.keep-1:])
	}
	return obs, nil
}

// deregister deregisters the given revisions; a revision already gone
// is skipped.
func (j jobDefinitions) deregister(ctx context.Context, t sluice.Target, revs []types.JobDefinition) error {
	for _, r := range revs {
		_, err := j.client.DeregisterJobDefinition(ctx, &batch.DeregisterJobDefinitionInput{JobDefinition: r.JobDefinitionArn})
		if err := classify("DeregisterJobDefinition", t, err); err != nil && !errors.Is(err, errNotFound) {
			return err
		}
	}
	return nil
}

// Delete deregisters every active revision of the name.
func (j jobDefinitions) Delete(ctx context.Context, t sluice.Target, _ sluice.Observation) error {
	revs, err := j.active(ctx, t)
	if err != nil {
		return err
	}
	return j.deregister(ctx, t, revs)
}
