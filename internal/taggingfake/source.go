package taggingfake

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
)

// Resource is one resource the tagging API knows: its ARN and its tags
// (none: nil or empty).
type Resource struct {
	ARN  string
	Tags map[string]string
}

// Source lists resources with their tags as a service holds them now.
// Resources returns an error when the service cannot be read.
type Source interface {
	Resources(ctx context.Context) ([]Resource, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context) ([]Resource, error)

// Resources calls f.
func (f SourceFunc) Resources(ctx context.Context) ([]Resource, error) { return f(ctx) }

// StateMachines is a Source reading the Step Functions state machines
// api lists (every page of ListStateMachines) and each one's tags
// (ListTagsForResource). A state machine gone between the two calls is
// left out; any other error fails the read.
func StateMachines(api *sfn.Client) Source {
	return SourceFunc(func(ctx context.Context) ([]Resource, error) {
		var out []Resource
		pages := sfn.NewListStateMachinesPaginator(api, &sfn.ListStateMachinesInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("taggingfake: list state machines: %w", err)
			}
			for _, m := range page.StateMachines {
				r, ok, err := stateMachine(ctx, api, aws.ToString(m.StateMachineArn))
				if err != nil {
					return nil, err
				}
				if ok {
					out = append(out, r)
				}
			}
		}
		return out, nil
	})
}

// stateMachine reads the tags of the state machine arn; ok is false when
// it no longer exists.
func stateMachine(ctx context.Context, api *sfn.Client, arn string) (r Resource, ok bool, err error) {
	tags, err := api.ListTagsForResource(ctx, &sfn.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	var gone *sfntypes.ResourceNotFound
	if errors.As(err, &gone) {
		return Resource{}, false, nil
	}
	if err != nil {
		return Resource{}, false, fmt.Errorf("taggingfake: tags of %s: %w", arn, err)
	}
	r = Resource{ARN: arn, Tags: make(map[string]string, len(tags.Tags))}
	for _, t := range tags.Tags {
		r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return r, true, nil
}

// Buckets is a Source reading the S3 buckets api lists (every page of
// ListBuckets) and each one's tags (GetBucketTagging; NoSuchTagSet is no
// tags), named by ARN arn:aws:s3:::NAME. A bucket gone between the two
// calls is left out; any other error fails the read.
func Buckets(api *s3.Client) Source {
	return SourceFunc(func(ctx context.Context) ([]Resource, error) {
		var out []Resource
		pages := s3.NewListBucketsPaginator(api, &s3.ListBucketsInput{})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("taggingfake: list buckets: %w", err)
			}
			for _, b := range page.Buckets {
				r, ok, err := bucket(ctx, api, aws.ToString(b.Name))
				if err != nil {
					return nil, err
				}
				if ok {
					out = append(out, r)
				}
			}
		}
		return out, nil
	})
}

// bucket reads the tags of the bucket name; ok is false when it no
// longer exists.
func bucket(ctx context.Context, api *s3.Client, name string) (r Resource, ok bool, err error) {
	r = Resource{ARN: "arn:aws:s3:::" + name, Tags: map[string]string{}}
	tags, err := api.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: aws.String(name)})
	switch code(err) {
	case "":
	case "NoSuchTagSet":
		return r, true, nil
	case "NoSuchBucket":
		return Resource{}, false, nil
	default:
		return Resource{}, false, fmt.Errorf("taggingfake: tags of bucket %s: %w", name, err)
	}
	for _, t := range tags.TagSet {
		r.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return r, true, nil
}

// code is the AWS error code of err, "" for nil, "?" for an error that
// carries none.
func code(err error) string {
	if err == nil {
		return ""
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return "?"
}
