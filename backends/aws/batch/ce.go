package batch

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// computeEnvironments manages ComputeEnvironment resources.
type computeEnvironments struct{ client Client }

// describe returns the compute environment t names (by ARN when
// recorded), nil when there is none or it is DELETED.
func (c computeEnvironments) describe(ctx context.Context, t sluice.Target) (*types.ComputeEnvironmentDetail, error) {
	key := t.Name
	if t.ARN != "" {
		key = t.ARN
	}
	out, err := c.client.DescribeComputeEnvironments(ctx, &batch.DescribeComputeEnvironmentsInput{ComputeEnvironments: []string{key}})
	if err != nil {
		return nil, classify("DescribeComputeEnvironments", t, err)
	}
	for i := range out.ComputeEnvironments {
		if ce := &out.ComputeEnvironments[i]; ce.Status != types.CEStatusDeleted {
			return ce, nil
		}
	}
	return nil, nil
}

// observe turns a description into an Observation in t's spec shape.
func (c computeEnvironments) observe(t sluice.Target, ce *types.ComputeEnvironmentDetail) (sluice.Observation, error) {
	if ce == nil {
		return sluice.Observation{}, nil
	}
	spec, err := observedSpec(t.Spec, ce)
	if err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	return sluice.Observation{
		Exists: true, ARN: aws.ToString(ce.ComputeEnvironmentArn), Tags: visibleTags(ce.Tags),
		Spec: spec, Status: string(ce.Status), InProgress: inProgress(string(ce.Status)),
	}, nil
}

// Observe reads the compute environment; DELETED counts as gone.
func (c computeEnvironments) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	ce, err := c.describe(ctx, t)
	if err != nil {
		return sluice.Observation{}, err
	}
	return c.observe(t, ce)
}

// Create makes the compute environment with its tags, or returns the
// existing one when Sluice already made it.
func (c computeEnvironments) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	existing, err := c.Observe(ctx, t)
	if err != nil || existing.Exists {
		return ownedOrStalled(t, existing, err)
	}
	var in batch.CreateComputeEnvironmentInput
	if err := json.Unmarshal(t.Spec, &in); err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	in.Tags = t.Tags
	out, err := c.client.CreateComputeEnvironment(ctx, &in)
	if err != nil {
		return sluice.Observation{}, classify("CreateComputeEnvironment", t, err)
	}
	return sluice.Observation{Exists: true, ARN: aws.ToString(out.ComputeEnvironmentArn),
		Tags: t.Tags, Status: string(types.CEStatusCreating), InProgress: true}, nil
}

// ownedOrStalled is Create's answer for a name that is already taken:
// the existing resource when Sluice owns it, a stalled error otherwise.
func ownedOrStalled(t sluice.Target, o sluice.Observation, err error) (sluice.Observation, error) {
	if err != nil {
		return sluice.Observation{}, err
	}
	if !o.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID) {
		return sluice.Observation{}, notOwned(t, o.ARN)
	}
	return o, nil
}

// Update sends UpdateComputeEnvironment with the fields that differ and
// syncs tags; reconcile.ErrReplace for what cannot change in place.
func (c computeEnvironments) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	if current.InProgress {
		return current, waitFor(t, "compute environment is "+current.Status)
	}
	in, err := ceUpdate(t, current)
	if err != nil {
		return current, err
	}
	if in == nil && current.Status == string(types.CEStatusInvalid) {
		return current, c.invalid(ctx, t)
	}
	if in != nil {
		if _, err := c.client.UpdateComputeEnvironment(ctx, in); err != nil {
			return current, classify("UpdateComputeEnvironment", t, err)
		}
	}
	if err := syncTags(ctx, c.client, t, current.ARN, current.Tags); err != nil {
		return current, err
	}
	return c.Observe(ctx, t)
}

// invalid is the stalled error for an INVALID compute environment that
// no change of spec is about to fix, with Batch's reason.
func (c computeEnvironments) invalid(ctx context.Context, t sluice.Target) error {
	ce, err := c.describe(ctx, t)
	if err != nil || ce == nil {
		return err
	}
	return invalidStatus(t, "compute environment", ce.StatusReason)
}

// Delete disables the compute environment, then deletes it, returning a
// waiting error after each step and while it is busy; nil once gone.
func (c computeEnvironments) Delete(ctx context.Context, t sluice.Target, _ sluice.Observation) error {
	ce, err := c.describe(ctx, t)
	switch {
	case errors.Is(err, errNotFound) || (err == nil && ce == nil):
		return nil
	case err != nil:
		return err
	case inProgress(string(ce.Status)):
		return waitFor(t, "compute environment is "+string(ce.Status))
	case ce.State != types.CEStateDisabled:
		_, err := c.client.UpdateComputeEnvironment(ctx, &batch.UpdateComputeEnvironmentInput{
			ComputeEnvironment: ce.ComputeEnvironmentArn, State: types.CEStateDisabled})
		return stepDone(t, "compute environment disabling", classify("UpdateComputeEnvironment", t, err))
	}
	_, err = c.client.DeleteComputeEnvironment(ctx, &batch.DeleteComputeEnvironmentInput{ComputeEnvironment: ce.ComputeEnvironmentArn})
	return stepDone(t, "compute environment deleting", classify("DeleteComputeEnvironment", t, err))
}

// stepDone is the result of one step of a delete: the step's error, or
// a waiting error saying what is under way; a resource found gone is
// done.
func stepDone(t sluice.Target, what string, err error) error {
	switch {
	case errors.Is(err, errNotFound):
		return nil
	case err != nil:
		return err
	}
	return waitFor(t, what)
}

// replaceFor is reconcile.ErrReplace, naming the field that forces it.
func replaceFor(t sluice.Target, field string) error {
	return sluice.E("batch.Update: "+string(t.ID)+": "+field, sluice.KindInvalid, reconcile.ErrReplace)
}
