package events

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/sluice-dev/sluice"
)

// Discover lists the default bus's rules whose names start with
// "PROJECT-ENV-" (ListRules, every page; every rule Sluice names starts
// so) and reads each one's tags, returning those whose ownership tags
// name project and env, with their ARN, tags and state (no spec). A rule
// deleted meanwhile is skipped; any other failure is returned with its
// retry decision.
func (b *Backend) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	in := &eventbridge.ListRulesInput{NamePrefix: aws.String(project + "-" + env + "-")}
	for {
		page, err := b.api.ListRules(ctx, in)
		if err != nil {
			return nil, classify("list rules", "*", err)
		}
		for _, r := range page.Rules {
			tags, err := b.api.ListTagsForResource(ctx, &eventbridge.ListTagsForResourceInput{ResourceARN: r.Arn})
			if notFound(err) {
				continue
			}
			if err != nil {
				return nil, classify("list rule tags", aws.ToString(r.Name), err)
			}
			t := tagMap(tags.Tags)
			if t[sluice.TagManagedBy] == sluice.ManagedByValue && t[sluice.TagProject] == project &&
				t[sluice.TagEnvironment] == env && t[sluice.TagResource] != "" {
				found = append(found, sluice.Observation{Exists: true, ARN: aws.ToString(r.Arn), Tags: t, Status: string(r.State)})
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return found, nil
		}
		in.NextToken = page.NextToken
	}
}
