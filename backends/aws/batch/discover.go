package batch

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/batch"
	"github.com/aws/aws-sdk-go-v2/service/batch/types"

	"github.com/sluice-dev/sluice"
)

// Discover lists the compute environments, job queues and ACTIVE job
// definitions of the account (every page of DescribeComputeEnvironments,
// DescribeJobQueues and DescribeJobDefinitions, whose answers carry the
// tags) and returns those that carry Sluice's ownership tags for project
// and env, with their ARN, tags and status (no spec). A job definition is
// reported once, as its latest active revision. DELETED environments and
// queues are left out. A failing call is returned with its retry
// decision.
func (b *Backend) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	ces, err := b.discoverCEs(ctx, project, env)
	if err != nil {
		return nil, err
	}
	jqs, err := b.discoverJQs(ctx, project, env)
	if err != nil {
		return nil, err
	}
	jds, err := b.discoverJDs(ctx, project, env)
	if err != nil {
		return nil, err
	}
	return append(append(ces, jqs...), jds...), nil
}

// discoverOp names the listing in errors.
func discoverOp() sluice.Target { return sluice.Target{Resource: sluice.Resource{ID: "*"}} }

func (b *Backend) discoverCEs(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	pages := batch.NewDescribeComputeEnvironmentsPaginator(b.client, &batch.DescribeComputeEnvironmentsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("DescribeComputeEnvironments", discoverOp(), err)
		}
		for _, ce := range page.ComputeEnvironments {
			if ce.Status != types.CEStatusDeleted && ownedIn(ce.Tags, project, env) {
				found = append(found, discovered(aws.ToString(ce.ComputeEnvironmentArn), ce.Tags, string(ce.Status)))
			}
		}
	}
	return found, nil
}

func (b *Backend) discoverJQs(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	pages := batch.NewDescribeJobQueuesPaginator(b.client, &batch.DescribeJobQueuesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("DescribeJobQueues", discoverOp(), err)
		}
		for _, jq := range page.JobQueues {
			if jq.Status != types.JQStatusDeleted && ownedIn(jq.Tags, project, env) {
				found = append(found, discovered(aws.ToString(jq.JobQueueArn), jq.Tags, string(jq.Status)))
			}
		}
	}
	return found, nil
}

// discoverJDs keeps, per name, the latest active revision.
func (b *Backend) discoverJDs(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	latest := map[string]types.JobDefinition{}
	var names []string
	pages := batch.NewDescribeJobDefinitionsPaginator(b.client, &batch.DescribeJobDefinitionsInput{Status: aws.String(statusActive)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("DescribeJobDefinitions", discoverOp(), err)
		}
		for _, d := range page.JobDefinitions {
			name := aws.ToString(d.JobDefinitionName)
			if aws.ToString(d.Status) != statusActive || !ownedIn(d.Tags, project, env) {
				continue
			}
			prev, seen := latest[name]
			if !seen {
				names = append(names, name)
			}
			if !seen || aws.ToInt32(d.Revision) > aws.ToInt32(prev.Revision) {
				latest[name] = d
			}
		}
	}
	found := make([]sluice.Observation, 0, len(names))
	for _, name := range names {
		d := latest[name]
		found = append(found, discovered(aws.ToString(d.JobDefinitionArn), d.Tags, statusActive))
	}
	return found, nil
}

func discovered(arn string, tags map[string]string, status string) sluice.Observation {
	return sluice.Observation{Exists: true, ARN: arn, Tags: visibleTags(tags), Status: status, InProgress: inProgress(status)}
}

// ownedIn reports whether tags are Sluice's ownership tags for project and
// env, naming a resource.
func ownedIn(tags map[string]string, project, env string) bool {
	return tags[sluice.TagManagedBy] == sluice.ManagedByValue && tags[sluice.TagProject] == project &&
		tags[sluice.TagEnvironment] == env && tags[sluice.TagResource] != ""
}
