package tagging

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
)

// arnsPerCall is how many ARNs one GetResources call takes in its
// ResourceARNList.
const arnsPerCall = 100

// TagsOf returns the tags of the given resources, aws: keys left out,
// keyed by ARN, 100 resources a GetResources call (ResourceARNList). A
// resource the API does not return (gone, or never tagged) has no entry.
// A failing call is returned as a transient error, or stalled when
// access is denied.
func (d *Discoverer) TagsOf(ctx context.Context, arns []string) (map[string]map[string]string, error) {
	out := make(map[string]map[string]string, len(arns))
	for start := 0; start < len(arns); start += arnsPerCall {
		chunk := arns[start:min(start+arnsPerCall, len(arns))]
		page, err := d.api.GetResources(ctx, &rgt.GetResourcesInput{ResourceARNList: chunk})
		if err != nil {
			return nil, classify(err)
		}
		for _, m := range page.ResourceTagMappingList {
			out[aws.ToString(m.ResourceARN)] = visible(m.Tags)
		}
	}
	return out, nil
}

// visible converts a mapping's tags, aws: keys left out.
func visible(tags []types.Tag) map[string]string {
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		if k := aws.ToString(t.Key); !isAWSKey(k) {
			out[k] = aws.ToString(t.Value)
		}
	}
	return out
}
