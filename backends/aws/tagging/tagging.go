package tagging

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	rgt "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
)

// Resource type filters of GetResources ("service:type").
const (
	TypeStateMachine = "states:stateMachine"
	TypeBucket       = "s3"
)

// API is the part of the Resource Groups Tagging API client Discoverer
// calls.
type API interface {
	GetResources(ctx context.Context, in *rgt.GetResourcesInput, opts ...func(*rgt.Options)) (*rgt.GetResourcesOutput, error)
}

// Discoverer lists resources of some types by Sluice's ownership tags.
type Discoverer struct {
	api   API
	types []string
}

// New returns a Discoverer of the resources of the given GetResources
// type filters (TypeStateMachine, TypeBucket) calling api.
func New(api API, resourceTypes ...string) *Discoverer {
	return &Discoverer{api: api, types: resourceTypes}
}

// Discover returns the resources of the Discoverer's types that carry
// Sluice's ownership tags for project and env (GetResources filtered by
// those tags, 100 a page, every page), with their ARN and tags, aws: keys
// left out (no spec). A failing call is returned as a transient error, or
// stalled when access is denied.
func (d *Discoverer) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	in := &rgt.GetResourcesInput{
		ResourceTypeFilters: d.types,
		ResourcesPerPage:    aws.Int32(100),
		TagFilters: []types.TagFilter{
			{Key: aws.String(sluice.TagManagedBy), Values: []string{sluice.ManagedByValue}},
			{Key: aws.String(sluice.TagProject), Values: []string{project}},
			{Key: aws.String(sluice.TagEnvironment), Values: []string{env}},
		},
	}
	var found []sluice.Observation
	for pages := rgt.NewGetResourcesPaginator(d.api, in); pages.HasMorePages(); {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(err)
		}
		for _, m := range page.ResourceTagMappingList {
			if tags := visible(m.Tags); tags[sluice.TagResource] != "" {
				found = append(found, sluice.Observation{Exists: true, ARN: aws.ToString(m.ResourceARN), Tags: tags})
			}
		}
	}
	return found, nil
}

// isAWSKey reports whether a tag key is reserved to AWS.
func isAWSKey(k string) bool { return strings.HasPrefix(strings.ToLower(k), "aws:") }

// classify gives a failure its kind and the retry decision awsapi's
// tagging table and rule give it.
func classify(err error) error {
	return awsapi.Tagging().Classify("tagging.GetResources", err)
}
