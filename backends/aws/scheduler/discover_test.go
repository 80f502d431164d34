package scheduler_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsscheduler "github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/sluice-dev/sluice"
)

// TestDiscoverKumo creates schedules marked for churn/dev, for another
// project and environment, and one without a marker: only churn/dev's
// are found, with the marker's tags.
func TestDiscoverKumo(t *testing.T) {
	b, api, _ := kumo(t)
	ctx := context.Background()
	base := golden(t, "Schedule/nightly")
	named := func(name, key, value string) sluice.Target {
		tg := base
		tg.Name, tg.Tags = name, maps.Clone(base.Tags)
		tg.Tags[key] = value
		return tg
	}
	var want []string
	for _, tg := range []sluice.Target{base, named("churn-dev-second", "team", "ml"),
		named("other-dev-nightly", sluice.TagProject, "other"), named("churn-prod-nightly", sluice.TagEnvironment, "prod")} {
		obs, err := b.Create(ctx, tg)
		if err != nil {
			t.Fatal(err)
		}
		if tg.Tags[sluice.TagProject] == "churn" && tg.Tags[sluice.TagEnvironment] == "dev" {
			want = append(want, obs.ARN)
		}
	}
	_, err := api.CreateSchedule(ctx, &awsscheduler.CreateScheduleInput{Name: aws.String("unmarked"),
		ScheduleExpression: aws.String("rate(1 hour)"), FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
		Target: &types.Target{Arn: aws.String(machineARN), RoleArn: aws.String("arn:aws:iam::000000000000:role/r")}})
	if err != nil {
		t.Fatal(err)
	}
	found, err := b.Discover(ctx, "churn", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range found {
		if !o.Exists || o.Tags[sluice.TagSpecHash] != base.Tags[sluice.TagSpecHash] || o.Tags[sluice.TagResource] != "Schedule/nightly" {
			t.Errorf("found %+v: want it existing, with the marker's tags", o)
		}
		got = append(got, o.ARN)
	}
	slices.Sort(got)
	slices.Sort(want)
	if len(want) != 2 || !slices.Equal(got, want) {
		t.Errorf("discovered %v, want %v", got, want)
	}
}
