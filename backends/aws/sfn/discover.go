package sfn

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
)

// Discover lists the account's state machines (ListStateMachines, every
// page) and reads each one's tags (ListTagsForResource), returning those
// that carry Sluice's ownership tags for project and env, with their ARN
// and tags (no spec). It is how the inventory is rebuilt when the state
// file is gone. A state machine deleted between the two calls is skipped;
// any other failure is returned with its retry decision.
func (b *Backend) Discover(ctx context.Context, project, env string) ([]sluice.Observation, error) {
	var found []sluice.Observation
	pages := sfn.NewListStateMachinesPaginator(b.api, &sfn.ListStateMachinesInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify("list state machines", "*", err)
		}
		for _, m := range page.StateMachines {
			arn := deref(m.StateMachineArn)
			tags, err := b.tags(ctx, arn)
			if code := errorCode(err); code == codeResourceGone || code == codeNotFound {
				continue
			}
			if err != nil {
				return nil, classify("list tags of state machine", deref(m.Name), err)
			}
			if ownedIn(tags, project, env) {
				found = append(found, sluice.Observation{Exists: true, ARN: arn, Tags: tags})
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
