package scheduler

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/sluice-dev/sluice"
)

// Discover lists the account's schedules in every group (ListSchedules,
// every page) and reads each one (GetSchedule: the summaries carry no
// Description), returning those whose ownership marker names project and
// env, with their ARN, the marker's tags and state (no spec). A schedule
// deleted between the two calls is skipped; any other failure is returned
// with its retry decision.
func (b *Backend) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	pages := scheduler.NewListSchedulesPaginator(b.api, &scheduler.ListSchedulesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("list schedules", "*", err)
		}
		for _, s := range page.Schedules {
			out, err := b.api.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: s.Name, GroupName: s.GroupName})
			if errorCode(err) == codeNotFound {
				continue
			}
			if err != nil {
				return nil, classify("get schedule", aws.ToString(s.Name), err)
			}
			if _, tags := parseDescription(aws.ToString(out.Description)); ownedIn(tags, project, env) {
				found = append(found, sluice.Observation{Exists: true, ARN: aws.ToString(out.Arn), Tags: tags, Status: string(out.State)})
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
