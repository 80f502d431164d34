package rds

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/sluice-dev/sluice"
)

// Discover lists the account's DB instances (DescribeDBInstances, every
// page; each carries its TagList) and returns those that carry Sluice's
// ownership tags for project and env, with their ARN, tags and status (no
// spec). A failing call is returned with its retry decision.
func (b *Backend) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	pages := rds.NewDescribeDBInstancesPaginator(b.client, &rds.DescribeDBInstancesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, b.classify("rds.Discover", err)
		}
		for _, db := range page.DBInstances {
			tags := tagMap(db.TagList)
			if !ownedIn(tags, project, env) {
				continue
			}
			status := aws.ToString(db.DBInstanceStatus)
			found = append(found, sluice.Observation{Exists: true, ARN: aws.ToString(db.DBInstanceArn),
				Tags: tags, Status: status, InProgress: transitional(status)})
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
