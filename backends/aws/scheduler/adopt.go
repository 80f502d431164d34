package scheduler

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

var _ reconcile.Adopter = (*Backend)(nil)

// Adopt writes Sluice's ownership marker for t into the schedule's
// description. UpdateSchedule replaces a whole schedule, so the schedule
// is read and sent back as it is (expression, target, state, window,
// dates), only its description's marker line changed; the rest of its
// description is kept.
func (b *Backend) Adopt(ctx context.Context, t sluice.Target, current sluice.Observation) (sluice.Observation, error) {
	if t.ARN == "" {
		t.ARN = current.ARN
	}
	group, name := key(t)
	out, err := b.api.GetSchedule(ctx, &scheduler.GetScheduleInput{Name: &name, GroupName: &group})
	if err != nil {
		return current, classify("get schedule", name, err)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		return current, sluice.E("scheduler.Adopt: "+string(t.ID), sluice.KindInternal, err)
	}
	var in scheduler.UpdateScheduleInput
	if err := json.Unmarshal(raw, &in); err != nil {
		return current, sluice.Stalled(fmt.Errorf("schedule %s: %w", name, err))
	}
	own, _ := parseDescription(aws.ToString(out.Description))
	in.Name, in.GroupName = aws.String(name), aws.String(group)
	in.Description = aws.String(describe(own, t.Tags))
	if _, err := b.api.UpdateSchedule(ctx, &in); err != nil {
		return current, classify("update schedule", name, err)
	}
	current.Tags = ownership(t.Tags)
	return current, nil
}
