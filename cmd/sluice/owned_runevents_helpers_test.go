package main

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluice-dev/sluice"
)

// runEventsResources is what an environment with pipelines has beside
// them: its run events' queue and rule.
const runEventsResources = 2

// eventQueues lists kumo's queues with their tags.
func (w *awsWorld) eventQueues(ctx context.Context) ([]awsResource, error) {
	c := awssqs.NewFromConfig(w.kumo.Config)
	var rs []awsResource
	for p := awssqs.NewListQueuesPaginator(c, &awssqs.ListQueuesInput{}); p.HasMorePages(); {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, url := range out.QueueUrls {
			tags, err := c.ListQueueTags(ctx, &awssqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
			if err != nil {
				return nil, err
			}
			name := url[strings.LastIndex(url, "/")+1:]
			rs = append(rs, awsResource{typ: sluice.TypeEventQueue, name: name, tags: tags.Tags})
		}
	}
	return rs, nil
}

// eventRules lists kumo's rules of the default bus with their tags.
func (w *awsWorld) eventRules(ctx context.Context) ([]awsResource, error) {
	c := eventbridge.NewFromConfig(w.kumo.Config)
	var rs []awsResource
	in := &eventbridge.ListRulesInput{}
	for {
		out, err := c.ListRules(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, r := range out.Rules {
			tags, err := c.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: r.Arn})
			if err != nil {
				return nil, err
			}
			res := awsResource{typ: sluice.TypeEventRule, name: aws.ToString(r.Name), tags: map[string]string{}}
			for _, t := range tags.Tags {
				res.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			rs = append(rs, res)
		}
		if aws.ToString(out.NextToken) == "" {
			return rs, nil
		}
		in.NextToken = out.NextToken
	}
}
