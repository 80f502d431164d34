package sfn

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// TagReader reads the tags of many resources in few calls, keyed by ARN,
// aws: keys left out; a resource it does not return has no tags.
// *tagging.Discoverer implements it with the Resource Groups Tagging API
// (100 resources a call).
type TagReader interface {
	TagsOf(ctx context.Context, arns []string) (map[string]map[string]string, error)
}

var _ reconcile.BulkObserver = (*Backend)(nil)

var _ reconcile.BulkParter = (*Backend)(nil)

var _ reconcile.EachObserver = (*Backend)(nil)

// BulkPart is how many state machines are worth reading together: 100.
// Each costs one DescribeStateMachine however many are read, and the
// tagging API answers for 100 ARNs a call, so an apply reads its
// baselines back 100 at a time as it creates them, on the describe
// quota the creations leave unused.
func (b *Backend) BulkPart(t sluice.ResourceType) int {
	if t == sluice.TypeStateMachine {
		return tagsPerCall
	}
	return 0
}

// tagsPerCall is how many ARNs one GetResources call of the tagging API
// takes.
const tagsPerCall = 100

// ObserveAll reads every target as Observe does. With Options.Tags set,
// the tags of all of them come from it in bulk (Step Functions'
// ListTagsForResource refills at one a second; the tagging API answers
// 100 resources a call) and each state machine costs one
// DescribeStateMachine; without it, each target is read by Observe.
func (b *Backend) ObserveAll(ctx context.Context, ts []sluice.Target) ([]sluice.Observation, error) {
	return b.ObserveEach(ctx, ts, nil)
}

// ObserveEach is ObserveAll telling each, when not nil, of each state
// machine's observation as soon as it is described (without its tags
// when they are read in bulk: they come at the end), while the next
// waits for the describe quota.
func (b *Backend) ObserveEach(ctx context.Context, ts []sluice.Target, each func(i int, obs sluice.Observation)) ([]sluice.Observation, error) {
	out := make([]sluice.Observation, len(ts))
	if each == nil {
		each = func(int, sluice.Observation) {}
	}
	if b.opts.Tags == nil {
		for i, t := range ts {
			obs, err := b.Observe(ctx, t)
			if err != nil {
				return nil, err
			}
			out[i] = obs
			each(i, obs)
		}
		return out, nil
	}
	// The tags are read while the state machines are described: the
	// calls draw on separate quotas. A state machine that does not exist
	// has no tags to return.
	arns := make([]string, len(ts))
	for i, t := range ts {
		arns[i] = b.arnOf(t)
	}
	var tags map[string]map[string]string
	tagsRead := make(chan error, 1)
	tagCtx, stopTags := context.WithCancel(ctx)
	defer stopTags()
	go func() {
		var err error
		tags, err = b.opts.Tags.TagsOf(tagCtx, arns)
		tagsRead <- err
	}()
	// Each description is turned into its observation as it arrives,
	// while the next waits for its turn on the describe quota: at 1,000
	// state machines, normalising their definitions after the last read
	// was seconds of one core with no call in flight.
	for i, t := range ts {
		d, err := b.describe(ctx, t)
		if err == nil && d != nil {
			out[i], err = observation(t, arns[i], d, nil)
		}
		if err != nil {
			stopTags()
			return nil, errors.Join(err, ignoreStopped(<-tagsRead))
		}
		each(i, out[i])
	}
	if err := <-tagsRead; err != nil {
		return nil, fmt.Errorf("tags of %d state machines: %w", len(arns), err)
	}
	for i := range out {
		if out[i].Exists {
			if t := tags[arns[i]]; t != nil {
				out[i].Tags = t
			}
		}
	}
	return out, nil
}

// ignoreStopped is nil for the error of a read stopped because another
// failed first (the one reported), err otherwise.
func ignoreStopped(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// describe reads t's state machine; nil when it does not exist.
func (b *Backend) describe(ctx context.Context, t sluice.Target) (*sfn.DescribeStateMachineOutput, error) {
	arn := b.arnOf(t)
	out, err := b.api.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &arn})
	if errorCode(err) == codeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, classify("describe state machine", t.Name, err)
	}
	return out, nil
}

// observation builds what Observe returns from a description and tags.
func observation(t sluice.Target, arn string, d *sfn.DescribeStateMachineOutput, tags map[string]string) (sluice.Observation, error) {
	spec, err := observedSpec(d, t.Spec)
	if err != nil {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("state machine %s: %w", t.Name, err))
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return sluice.Observation{Exists: true, ARN: arn, Tags: tags, Spec: spec, Status: string(d.Status),
		InProgress: d.Status == types.StateMachineStatusDeleting}, nil
}
