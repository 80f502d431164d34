package s3

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/sluice-dev/sluice"
)

// Discover lists the account's buckets in the backend's region
// (ListBuckets, every page) and reads each one's tags (GetBucketTagging),
// returning those that carry Sluice's ownership tags for project and env,
// with their ARN and tags (no spec). A bucket deleted between the two
// calls, or answered from another region, is skipped; any other failure
// is returned with its retry decision.
func (b *Backend) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	const opName = "s3.Discover"
	var found []sluice.Observation
	pages := s3.NewListBucketsPaginator(b.client, &s3.ListBucketsInput{BucketRegion: aws.String(b.region)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(opName, err)
		}
		for _, bucket := range page.Buckets {
			name := aws.ToString(bucket.Name)
			tags, err := b.tags(ctx, name)
			if isCode(err, "NoSuchBucket") || isCode(err, "PermanentRedirect") {
				continue
			}
			if err != nil {
				return nil, classify(opName+": "+name, err)
			}
			if ownedIn(tags, project, env) {
				found = append(found, sluice.Observation{Exists: true, ARN: b.arn(name), Tags: userTags(tags)})
			}
		}
	}
	return found, nil
}

// ownedIn reports whether tags are Sluice's ownership tags for project and
// env, naming a resource.
func ownedIn(tags map[string]string, project, env string) bool {
	return tags[sluice.TagManagedBy] == sluice.ManagedByValue && tags[sluice.TagProject] == project &&
		tags[sluice.TagEnvironment] == env && tags[sluice.TagResource] != ""
}
