package scheduler_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsscheduler "github.com/aws/aws-sdk-go-v2/service/scheduler"

	"github.com/sluice-dev/sluice/reconcile"
)

// TestLeftOutTimezoneKumo sets a schedule's time zone, then removes it
// (null, as the compiler writes a time zone left out): the update
// resets the schedule to UTC, and it then reads back as its spec with
// nothing left to update.
func TestLeftOutTimezoneKumo(t *testing.T) {
	ctx := context.Background()
	b, api, c := kumo(t)
	zoned := with(golden(t, "Schedule/nightly"), "ScheduleExpressionTimezone", "Europe/Paris")
	created, err := b.Create(ctx, zoned)
	if err != nil {
		t.Fatal(err)
	}
	zoned.ARN = created.ARN
	left := with(zoned, "ScheduleExpressionTimezone", nil)
	c.Reset()
	if _, err := b.Update(ctx, left, observe(t, b, left)); err != nil {
		t.Fatal(err)
	}
	if n := c.Calls("Scheduler", "UpdateSchedule"); n != 1 {
		t.Errorf("UpdateSchedule calls = %d, want 1", n)
	}
	out, err := api.GetSchedule(ctx, &awsscheduler.GetScheduleInput{Name: aws.String(left.Name)})
	if err != nil {
		t.Fatal(err)
	}
	if z := aws.ToString(out.ScheduleExpressionTimezone); z != "" && z != "UTC" {
		t.Errorf("time zone after it was left out = %q, want UTC (or none)", z)
	}
	obs := observe(t, b, left)
	if !reconcile.SameJSON(obs.Spec, left.Spec) {
		t.Fatalf("schedule reads %s, want %s", obs.Spec, left.Spec)
	}
	c.Reset()
	if _, err := b.Update(ctx, left, obs); err != nil {
		t.Fatal(err)
	}
	if n := c.Mutations(); n != 0 {
		t.Errorf("Update of a converged schedule made %d mutating calls", n)
	}
}
