package sqs

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/sluice-dev/sluice"
)

// Discover lists the account's queues whose names start with
// "PROJECT-ENV-" (ListQueues, every page; every queue Sluice names
// starts so) and reads each one's tags, returning those whose ownership
// tags name project and env, with their ARN and tags (no spec). A queue
// deleted meanwhile is skipped; any other failure is returned with its
// retry decision.
func (b *Backend) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	pages := awssqs.NewListQueuesPaginator(b.api, &awssqs.ListQueuesInput{QueueNamePrefix: aws.String(project + "-" + env + "-")})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("list queues", "*", err)
		}
		for _, url := range page.QueueUrls {
			obs, err := b.owned(ctx, url, project, env)
			if err != nil {
				return nil, err
			}
			if obs.Exists {
				found = append(found, obs)
			}
		}
	}
	return found, nil
}

// owned reads the queue at url and returns it when Sluice's ownership
// tags name project and env, else an Observation that does not exist.
func (b *Backend) owned(ctx context.Context, url, project, env string) (sluice.Observation, error) {
	q := url[strings.LastIndex(url, "/")+1:]
	tags, err := b.api.ListQueueTags(ctx, &awssqs.ListQueueTagsInput{QueueUrl: &url})
	if notFound(err) {
		return sluice.Observation{}, nil
	}
	if err != nil {
		return sluice.Observation{}, classify("list queue tags", q, err)
	}
	t := withoutAWS(tags.Tags)
	if t[sluice.TagManagedBy] != sluice.ManagedByValue || t[sluice.TagProject] != project || t[sluice.TagEnvironment] != env || t[sluice.TagResource] == "" {
		return sluice.Observation{}, nil
	}
	attrs, err := b.api.GetQueueAttributes(ctx, &awssqs.GetQueueAttributesInput{QueueUrl: &url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
	if notFound(err) {
		return sluice.Observation{}, nil
	}
	if err != nil {
		return sluice.Observation{}, classify("get queue attributes", q, err)
	}
	return sluice.Observation{Exists: true, ARN: attrs.Attributes[string(types.QueueAttributeNameQueueArn)], Tags: t, Status: "ACTIVE"}, nil
}
