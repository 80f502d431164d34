package sqs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/reconcile"
)

// API is the part of the SQS client the backend calls; *sqs.Client
// implements it.
type API interface {
	CreateQueue(ctx context.Context, in *awssqs.CreateQueueInput, opts ...func(*awssqs.Options)) (*awssqs.CreateQueueOutput, error)
	GetQueueUrl(ctx context.Context, in *awssqs.GetQueueUrlInput, opts ...func(*awssqs.Options)) (*awssqs.GetQueueUrlOutput, error)
	GetQueueAttributes(ctx context.Context, in *awssqs.GetQueueAttributesInput, opts ...func(*awssqs.Options)) (*awssqs.GetQueueAttributesOutput, error)
	SetQueueAttributes(ctx context.Context, in *awssqs.SetQueueAttributesInput, opts ...func(*awssqs.Options)) (*awssqs.SetQueueAttributesOutput, error)
	DeleteQueue(ctx context.Context, in *awssqs.DeleteQueueInput, opts ...func(*awssqs.Options)) (*awssqs.DeleteQueueOutput, error)
	ListQueueTags(ctx context.Context, in *awssqs.ListQueueTagsInput, opts ...func(*awssqs.Options)) (*awssqs.ListQueueTagsOutput, error)
	TagQueue(ctx context.Context, in *awssqs.TagQueueInput, opts ...func(*awssqs.Options)) (*awssqs.TagQueueOutput, error)
	UntagQueue(ctx context.Context, in *awssqs.UntagQueueInput, opts ...func(*awssqs.Options)) (*awssqs.UntagQueueOutput, error)
	ListQueues(ctx context.Context, in *awssqs.ListQueuesInput, opts ...func(*awssqs.Options)) (*awssqs.ListQueuesOutput, error)
}

// spec is an EventQueue's spec.
type spec struct {
	QueueName  string
	Attributes map[string]string
}

// Backend manages event queues through API.
type Backend struct {
	api API
}

var (
	_ reconcile.Backend = (*Backend)(nil)
	_ reconcile.Adopter = (*Backend)(nil)
)

// New returns a Backend calling api.
func New(api API) *Backend { return &Backend{api: api} }

// name returns the queue's name: the one its recorded ARN carries, else
// t's.
func name(t sluice.Target) string {
	if i := strings.LastIndex(t.ARN, ":"); t.ARN != "" && i >= 0 {
		return t.ARN[i+1:]
	}
	return t.Name
}

// Observe reads the queue by name. One that does not exist is
// Observation{Exists: false}; other failures carry a retry decision.
func (b *Backend) Observe(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	q := name(t)
	url, err := b.api.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: &q})
	if notFound(err) {
		return sluice.Observation{}, nil
	}
	if err != nil {
		return sluice.Observation{}, classify("get queue url", q, err)
	}
	return b.read(ctx, t, q, aws.ToString(url.QueueUrl))
}

// read reads the attributes and tags of the queue at url.
func (b *Backend) read(ctx context.Context, t sluice.Target, q, url string) (sluice.Observation, error) {
	attrs, err := b.api.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: &url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	if notFound(err) {
		return sluice.Observation{}, nil
	}
	if err != nil {
		return sluice.Observation{}, classify("get queue attributes", q, err)
	}
	tags, err := b.api.ListQueueTags(ctx, &awssqs.ListQueueTagsInput{QueueUrl: &url})
	if err != nil {
		return sluice.Observation{}, classify("list queue tags", q, err)
	}
	obs := sluice.Observation{Exists: true, ARN: attrs.Attributes[string(types.QueueAttributeNameQueueArn)],
		Tags: withoutAWS(tags.Tags), Status: "ACTIVE"}
	obs.Spec, err = observedSpec(q, attrs.Attributes, t.Spec)
	if err != nil {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("queue %s: %w", q, err))
	}
	return obs, nil
}

// Create makes the queue with t's attributes and tags and returns its
// identity. A name taken by a queue that is not Sluice's for t is
// stalled; one that is Sluice's is brought in line.
func (b *Backend) Create(ctx context.Context, t sluice.Target) (sluice.Observation, error) {
	var s spec
	if err := json.Unmarshal(t.Spec, &s); err != nil {
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("queue spec: %w", err))
	}
	obs, err := b.Observe(ctx, t)
	switch {
	case err != nil:
		return obs, err
	case obs.Exists && !obs.Owned(t.Tags[sluice.TagProject], t.Tags[sluice.TagEnvironment], t.ID):
		return sluice.Observation{}, sluice.Stalled(fmt.Errorf("queue name %s is taken by %s, which does not carry Sluice's ownership tags for %s: refusing to adopt it", t.Name, obs.ARN, t.ID))
	case obs.Exists:
		return b.Update(ctx, t, obs)
	}
	out, err := b.api.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String(t.Name), Attributes: s.Attributes, Tags: t.Tags})
	if err != nil {
		return sluice.Observation{}, classify("create queue", t.Name, err)
	}
	attrs, err := b.api.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if err != nil {
		return sluice.Observation{}, classify("get queue attributes", t.Name, err)
	}
	return sluice.Observation{Exists: true, ARN: attrs.Attributes[string(types.QueueAttributeNameQueueArn)],
		Tags: maps.Clone(t.Tags), Spec: t.Spec, Status: "ACTIVE"}, nil
}

// Update sets the attributes and tags that differ from current. A new
// queue name returns reconcile.ErrReplace.
func (b *Backend) Update(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	var want, have spec
	if err := json.Unmarshal(t.Spec, &want); err != nil {
		return current, sluice.Stalled(fmt.Errorf("queue spec: %w", err))
	}
	_ = json.Unmarshal(current.Spec, &have)
	if have.QueueName != "" && want.QueueName != have.QueueName {
		return current, fmt.Errorf("queue %s: QueueName changed: %w", t.Name, reconcile.ErrReplace)
	}
	changed := changedAttributes(want.Attributes, have.Attributes)
	if len(changed) == 0 && maps.Equal(t.Tags, current.Tags) {
		return current, nil
	}
	q := name(t)
	url, err := b.api.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: &q})
	if err != nil {
		return current, classify("get queue url", q, err)
	}
	if len(changed) > 0 {
		if _, err := b.api.SetQueueAttributes(ctx, &awssqs.SetQueueAttributesInput{QueueUrl: url.QueueUrl, Attributes: changed}); err != nil {
			return current, classify("set queue attributes", q, err)
		}
	}
	if err := b.retag(ctx, q, url.QueueUrl, t.Tags, current.Tags); err != nil {
		return current, err
	}
	updated := current
	updated.Spec, updated.Tags = t.Spec, maps.Clone(t.Tags)
	return updated, nil
}

// retag sets the tags of want that have differs on, and removes those
// have has that want has not.
func (b *Backend) retag(ctx context.Context, q string, url *string, want, have map[string]string) error {
	set := map[string]string{}
	for k, v := range want {
		if have[k] != v {
			set[k] = v
		}
	}
	var gone []string
	for k := range have {
		if _, ok := want[k]; !ok {
			gone = append(gone, k)
		}
	}
	if len(set) > 0 {
		if _, err := b.api.TagQueue(ctx, &awssqs.TagQueueInput{QueueUrl: url, Tags: set}); err != nil {
			return classify("tag queue", q, err)
		}
	}
	if len(gone) > 0 {
		if _, err := b.api.UntagQueue(ctx, &awssqs.UntagQueueInput{QueueUrl: url, TagKeys: gone}); err != nil {
			return classify("untag queue", q, err)
		}
	}
	return nil
}

// Delete deletes the queue; one already gone is deleted. Events still in
// it are lost to the queue, not to the run store: the catch-up listing
// finds their executions.
func (b *Backend) Delete(ctx context.Context, t sluice.Target, current sluice.Observation) error {
	if t.ARN == "" {
		t.ARN = current.ARN
	}
	q := name(t)
	url, err := b.api.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: &q})
	if notFound(err) {
		return nil
	}
	if err != nil {
		return classify("get queue url", q, err)
	}
	if _, err := b.api.DeleteQueue(ctx, &awssqs.DeleteQueueInput{QueueUrl: url.QueueUrl}); err != nil && !notFound(err) {
		return classify("delete queue", q, err)
	}
	return nil
}

// Adopt sets t's tags on the queue current describes, keeping its
// others.
func (b *Backend) Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	if t.ARN == "" {
		t.ARN = current.ARN
	}
	q := name(t)
	url, err := b.api.GetQueueUrl(ctx, &awssqs.GetQueueUrlInput{QueueName: &q})
	if err != nil {
		return current, classify("get queue url", q, err)
	}
	if _, err := b.api.TagQueue(ctx, &awssqs.TagQueueInput{QueueUrl: url.QueueUrl, Tags: t.Tags}); err != nil {
		return current, classify("tag queue", q, err)
	}
	current.Tags = reconcile.AdoptedTags(t, current)
	return current, nil
}

// changedAttributes returns the attributes of want whose value have
// does not hold (a policy compared as JSON).
func changedAttributes(want, have map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range want {
		if have[k] == v || (k == policyAttribute && reconcile.SameJSON(json.RawMessage(v), json.RawMessage(have[k]))) {
			continue
		}
		out[k] = v
	}
	return out
}

// policyAttribute is the attribute holding the queue's policy document.
const policyAttribute = "Policy"

// observedSpec is the queue's attributes in the desired spec's shape:
// only the attributes desired sets, and a policy meaning the same as the
// desired one written as the desired one is.
func observedSpec(q string, attrs map[string]string, desired json.RawMessage) (json.RawMessage, error) {
	var d spec
	_ = json.Unmarshal(desired, &d)
	out := spec{QueueName: q, Attributes: map[string]string{}}
	for k, v := range attrs {
		if _, ok := d.Attributes[k]; ok || len(d.Attributes) == 0 {
			out.Attributes[k] = v
		}
	}
	if p, ok := out.Attributes[policyAttribute]; ok && reconcile.SameJSON(json.RawMessage(p), json.RawMessage(d.Attributes[policyAttribute])) {
		out.Attributes[policyAttribute] = d.Attributes[policyAttribute]
	}
	return json.Marshal(out)
}

// withoutAWS returns tags without the aws: keys.
func withoutAWS(tags map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range tags {
		if !strings.HasPrefix(k, "aws:") {
			out[k] = v
		}
	}
	return out
}

// notFound reports whether err says the queue does not exist.
func notFound(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	var dne *types.QueueDoesNotExist
	return errors.As(err, &dne) || ae.ErrorCode() == "AWS.SimpleQueueService.NonExistentQueue" || ae.ErrorCode() == "QueueDoesNotExist"
}

// classify wraps an AWS error of op on queue q with its kind and the
// retry decision awsapi's SQS table and rule give it.
func classify(op, q string, err error) error {
	return awsapi.SQS().Classify(op+" "+q, err)
}
