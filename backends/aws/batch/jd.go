package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

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
// deregisters the old ones beyond the newest KeepRevisions that carry
// Sluice's ownership tags (a revision registered by hand is left).
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
		mine, _ := owned(t.Tags, revs[j.keep-1:])
		return obs, j.deregister(ctx, t, mine)
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

// owned splits revisions into those that carry Sluice's ownership tags
// for the owner (a target's or an observation's tags: project,
// environment and resource) and the others, registered by someone else
// under the same name.
func owned(owner map[string]string, revs []types.JobDefinition) (mine, others []types.JobDefinition) {
	o := sluice.Observation{}
	for _, r := range revs {
		o.Tags = r.Tags
		if o.Owned(owner[sluice.TagProject], owner[sluice.TagEnvironment], sluice.ResourceID(owner[sluice.TagResource])) {
			mine = append(mine, r)
		} else {
			others = append(others, r)
		}
	}
	return mine, others
}

// ownerOf returns the tags that say whose revisions are Sluice's: t's,
// or, for a target being pruned (which carries no tags), those of the
// latest revision the reconciler observed and found owned.
func ownerOf(t sluice.Target, current sluice.Observation) map[string]string {
	if t.Tags[sluice.TagResource] != "" {
		return t.Tags
	}
	return current.Tags
}

// Delete deregisters every active revision of the name that carries
// Sluice's ownership tags for the resource. Revisions without them
// (registered by hand under the same name) are left active, and the
// error is a *sluice.LeftBehind naming them: the deletion is done.
func (j jobDefinitions) Delete(ctx context.Context, t sluice.Target, current sluice.Observation) error {
	revs, err := j.active(ctx, t)
	if err != nil {
		return err
	}
	mine, others := owned(ownerOf(t, current), revs)
	if err := j.deregister(ctx, t, mine); err != nil {
		return err
	}
	if len(others) == 0 {
		return nil
	}
	names := make([]string, len(others))
	for i, r := range others {
		names[i] = aws.ToString(r.JobDefinitionArn)
	}
	return &sluice.LeftBehind{What: fmt.Sprintf("%d active revision(s) of %s without Sluice's ownership tags left registered: %s",
		len(others), t.Name, strings.Join(names, ", "))}
}
