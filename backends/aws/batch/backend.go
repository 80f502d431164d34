package batch

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// Client is the part of the Batch API the backend calls; *batch.Client
// implements it.
type Client interface {
	CreateComputeEnvironment(ctx context.Context, in *batch.CreateComputeEnvironmentInput, opts ...func(*batch.Options)) (*batch.CreateComputeEnvironmentOutput, error)
	DescribeComputeEnvironments(ctx context.Context, in *batch.DescribeComputeEnvironmentsInput, opts ...func(*batch.Options)) (*batch.DescribeComputeEnvironmentsOutput, error)
	UpdateComputeEnvironment(ctx context.Context, in *batch.UpdateComputeEnvironmentInput, opts ...func(*batch.Options)) (*batch.UpdateComputeEnvironmentOutput, error)
	DeleteComputeEnvironment(ctx context.Context, in *batch.DeleteComputeEnvironmentInput, opts ...func(*batch.Options)) (*batch.DeleteComputeEnvironmentOutput, error)
	CreateJobQueue(ctx context.Context, in *batch.CreateJobQueueInput, opts ...func(*batch.Options)) (*batch.CreateJobQueueOutput, error)
	DescribeJobQueues(ctx context.Context, in *batch.DescribeJobQueuesInput, opts ...func(*batch.Options)) (*batch.DescribeJobQueuesOutput, error)
	UpdateJobQueue(ctx context.Context, in *batch.UpdateJobQueueInput, opts ...func(*batch.Options)) (*batch.UpdateJobQueueOutput, error)
	DeleteJobQueue(ctx context.Context, in *batch.DeleteJobQueueInput, opts ...func(*batch.Options)) (*batch.DeleteJobQueueOutput, error)
	RegisterJobDefinition(ctx context.Context, in *batch.RegisterJobDefinitionInput, opts ...func(*batch.Options)) (*batch.RegisterJobDefinitionOutput, error)
	DescribeJobDefinitions(ctx context.Context, in *batch.DescribeJobDefinitionsInput, opts ...func(*batch.Options)) (*batch.DescribeJobDefinitionsOutput, error)
	DeregisterJobDefinition(ctx context.Context, in *batch.DeregisterJobDefinitionInput, opts ...func(*batch.Options)) (*batch.DeregisterJobDefinitionOutput, error)
	TagResource(ctx context.Context, in *batch.TagResourceInput, opts ...func(*batch.Options)) (*batch.TagResourceOutput, error)
	UntagResource(ctx context.Context, in *batch.UntagResourceInput, opts ...func(*batch.Options)) (*batch.UntagResourceOutput, error)
}

// DefaultKeepRevisions is how many active revisions of a job definition
// are kept when Options.KeepRevisions is zero.
const DefaultKeepRevisions = 3

// Options configure a Backend.
type Options struct {
	// KeepRevisions is how many of a job definition's newest active
	// revisions survive a new registration (DefaultKeepRevisions when
	// zero); older ones are deregistered. Jobs pinned to a recent
	// revision thus keep working after a change.
	KeepRevisions int
}

// Backend manages Batch compute environments, job queues and job
// definitions. It is safe for concurrent use if its Client is.
type Backend struct {
	client Client
	keep   int
}

var _ reconcile.Backend = (*Backend)(nil)

// New returns a Backend calling c.
func New(c Client, o Options) *Backend {
	if o.KeepRevisions <= 0 {
		o.KeepRevisions = DefaultKeepRevisions
	}
	return &Backend{client: c, keep: o.KeepRevisions}
}

// of returns the implementation for t's type, or an error for a type
// this backend does not manage.
func (b *Backend) of(t sluice.Target) (reconcile.Backend, error) {
	switch t.Type {
	case sluice.TypeComputeEnvironment:
		return computeEnvironments{b.client}, nil
	case sluice.TypeJobQueue:
		return jobQueues{b.client}, nil
	case sluice.TypeJobDefinition:
		return jobDefinitions{client: b.client, keep: b.keep}, nil
	}
	return nil, sluice.Stalled(sluice.E("batch: "+string(t.ID), sluice.KindInvalid,
		fmt.Errorf("type %s is not a Batch resource", t.Type)))
}

// CreateChecksOwnership reports whether Create reads the name itself:
// true for job definitions, whose Create lists the name's active
// revisions to refuse foreign ones and to register only when the
// definition changed.
func (b *Backend) CreateChecksOwnership(t sluice.ResourceType) bool {
	return t == sluice.TypeJobDefinition
}

var _ reconcile.OwnershipChecker = (*Backend)(nil)

// Observe reads the resource t names; see reconcile.Backend. It fails
// with a stalled error for a type that is not a Batch resource.
func (b *Backend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	k, err := b.of(t)
	if err != nil {
		return sluice.Observation{}, err
	}
	return k.Observe(ctx, t)
}

// Create makes the resource tagged with t.Tags; see reconcile.Backend.
// A name taken by a resource Sluice does not own is a stalled error.
func (b *Backend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	k, err := b.of(t)
	if err != nil {
		return sluice.Observation{}, err
	}
	return k.Create(ctx, t)
}

// Update brings the resource to t in place, or returns
// reconcile.ErrReplace; see reconcile.Backend. A resource still in a
// transitional state is a waiting error.
func (b *Backend) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	k, err := b.of(t)
	if err != nil {
		return sluice.Observation{}, err
	}
	return k.Update(ctx, t, current)
}

// Delete takes the next step towards removing the resource, returning a
// waiting error until it is gone; see reconcile.Backend.
func (b *Backend) Delete(ctx context.Context, t sluice.Target, current sluice.Observation) error {
	k, err := b.of(t)
	if err != nil {
		return err
	}
	return k.Delete(ctx, t, current)
}

// visibleTags drops the aws: tags the service manages.
func visibleTags(tags map[string]string) map[string]string {
	out := make(map[string]string, len(tags))
	for k, v := range tags {
		if !strings.HasPrefix(k, "aws:") {
			out[k] = v
		}
	}
	return out
}

// inProgress reports whether a Batch status is transitional.
func inProgress(status string) bool {
	switch status {
	case "CREATING", "UPDATING", "DELETING":
		return true
	}
	return false
}

// syncTags makes the tags of arn equal to want: removes the keys no
// longer wanted, then sets what differs. It returns the classified API
// error on failure.
func syncTags(ctx context.Context, c Client, t sluice.Target, arn string, have map[string]string) error {
	var remove []string
	for k := range have {
		if _, ok := t.Tags[k]; !ok {
			remove = append(remove, k)
		}
	}
	if len(remove) > 0 {
		slices.Sort(remove)
		_, err := c.UntagResource(ctx, &batch.UntagResourceInput{ResourceArn: &arn, TagKeys: remove})
		if err != nil {
			return classify("UntagResource", t, err)
		}
	}
	set := maps.Clone(t.Tags)
	maps.DeleteFunc(set, func(k, v string) bool { return have[k] == v })
	if len(set) == 0 {
		return nil
	}
	_, err := c.TagResource(ctx, &batch.TagResourceInput{ResourceArn: &arn, Tags: set})
	return classify("TagResource", t, err)
}
