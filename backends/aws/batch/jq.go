package batch

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice"
)

// jobQueues manages JobQueue resources.
type jobQueues struct{ client Client }

// jqInPlace reports whether UpdateJobQueue can change a field; the
// name is the queue's identity and nothing else forces a replacement.
func jqInPlace(k string) bool {
	switch k {
	case "priority", "state", "computeEnvironmentOrder", "schedulingPolicyArn", "jobStateTimeLimitActions", "serviceEnvironmentOrder":
		return true
	}
	return false
}

// describe returns the job queue t names (by ARN when recorded), nil
// when there is none or it is DELETED.
func (q jobQueues) describe(ctx context.Context, t sluice.Target) (*types.JobQueueDetail, error) {
	key := t.Name
	if t.ARN != "" {
		key = t.ARN
	}
	out, err := q.client.DescribeJobQueues(ctx, &batch.DescribeJobQueuesInput{JobQueues: []string{key}})
	if err != nil {
		return nil, classify("DescribeJobQueues", t, err)
	}
	for i := range out.JobQueues {
		if jq := &out.JobQueues[i]; jq.Status != types.JQStatusDeleted {
			return jq, nil
		}
	}
	return nil, nil
}

// Observe reads the job queue; DELETED counts as gone.
func (q jobQueues) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	jq, err := q.describe(ctx, t)
	if err != nil {
		return sluice.Observation{}, err
	}
	return q.observe(t, jq)
}

// observe turns a description (nil: none) into an Observation in t's
// spec shape.
func (q jobQueues) observe(t sluice.Target, jq *types.JobQueueDetail) (sluice.Observation, error) {
	if jq == nil {
		return sluice.Observation{}, nil
	}
	spec, err := observedSpec(t.Spec, jq)
	if err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	return sluice.Observation{
		Exists: true, ARN: aws.ToString(jq.JobQueueArn), Tags: visibleTags(jq.Tags),
		Spec: spec, Status: string(jq.Status), InProgress: inProgress(string(jq.Status)),
	}, nil
}

// Create makes the job queue with its tags, or returns the existing one
// when Sluice already made it.
func (q jobQueues) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	existing, err := q.Observe(ctx, t)
	if err != nil || existing.Exists {
		return ownedOrStalled(t, existing, err)
	}
	var in batch.CreateJobQueueInput
	if err := json.Unmarshal(t.Spec, &in); err != nil {
		return sluice.Observation{}, invalidSpec(t, err)
	}
	in.Tags = t.Tags
	out, err := q.client.CreateJobQueue(ctx, &in)
	if err != nil {
		return sluice.Observation{}, waitAtMost(classify("CreateJobQueue", t, err), queueWait)
	}
	return sluice.Observation{Exists: true, ARN: aws.ToString(out.JobQueueArn),
		Tags: t.Tags, Status: string(types.JQStatusCreating), InProgress: true}, nil
}

// Update sends UpdateJobQueue with the fields that differ and syncs
// tags; a queue still busy is a waiting error.
func (q jobQueues) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	if current.InProgress {
		return current, waitFor(t, "job queue is "+current.Status)
	}
	in, err := jqUpdate(t, current)
	if err != nil {
		return current, err
	}
	if in == nil && current.Status == string(types.JQStatusInvalid) {
		return current, q.invalid(ctx, t)
	}
	if in != nil {
		if _, err := q.client.UpdateJobQueue(ctx, in); err != nil {
			return current, classify("UpdateJobQueue", t, err)
		}
	}
	if err := syncTags(ctx, q.client, t, current.ARN, current.Tags); err != nil {
		return current, err
	}
	return q.Observe(ctx, t)
}

// invalid is the stalled error for an INVALID job queue that no change
// of spec is about to fix, with Batch's reason.
func (q jobQueues) invalid(ctx context.Context, t sluice.Target) error {
	jq, err := q.describe(ctx, t)
	if err != nil || jq == nil {
		return err
	}
	return invalidStatus(t, "job queue", jq.StatusReason)
}

// jqUpdate builds the UpdateJobQueue input for what differs: nil when
// nothing does, ErrReplace (wrapped) for a field that cannot change.
func jqUpdate(t sluice.Target, current sluice.Observation) (*batch.UpdateJobQueueInput, error) {
	want, err := decodeSpec(t.Spec)
	if err != nil {
		return nil, invalidSpec(t, err)
	}
	have, err := decodeSpec(current.Spec)
	if err != nil {
		return nil, invalidSpec(t, err)
	}
	keys := changed(want, have)
	for _, k := range keys {
		if !jqInPlace(k) {
			return nil, replaceFor(t, k)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	body, err := subset(want, keys)
	if err != nil {
		return nil, invalidSpec(t, err)
	}
	in := &batch.UpdateJobQueueInput{}
	if err := json.Unmarshal(body, in); err != nil {
		return nil, invalidSpec(t, err)
	}
	in.JobQueue = &current.ARN
	return in, nil
}

// Delete disables the job queue, then deletes it, returning a waiting
// error after each step and while it is busy; nil once gone.
func (q jobQueues) Delete(ctx context.Context, t sluice.Target, _ sluice.Observation) error {
	jq, err := q.describe(ctx, t)
	switch {
	case errors.Is(err, errNotFound) || (err == nil && jq == nil):
		return nil
	case err != nil:
		return err
	case inProgress(string(jq.Status)):
		return waitFor(t, "job queue is "+string(jq.Status))
	case jq.State != types.JQStateDisabled:
		_, err := q.client.UpdateJobQueue(ctx, &batch.UpdateJobQueueInput{JobQueue: jq.JobQueueArn, State: types.JQStateDisabled})
		return stepDone(t, "job queue disabling", classify("UpdateJobQueue", t, err))
	}
	_, err = q.client.DeleteJobQueue(ctx, &batch.DeleteJobQueueInput{JobQueue: jq.JobQueueArn})
	return stepDone(t, "job queue deleting", classify("DeleteJobQueue", t, err))
}
