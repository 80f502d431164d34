package scheduler_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsscheduler "github.com/aws/aws-sdk-go-v2/service/scheduler"
	"github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/scheduler"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/reconcile"
)

const machineARN = "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-nightly"

// kumo starts kumo and returns a backend on it and a raw client, both
// counted by the returned Counter.
func kumo(t *testing.T) (*scheduler.Backend, *awsscheduler.Client, *awsapi.Counter) {
	t.Helper()
	srv := kumotest.Start(t)
	var c awsapi.Counter
	cfg := srv.Config.Copy()
	cfg.Credentials = credentials.NewStaticCredentialsProvider("test", "test", "")
	awsapi.Instrument(&cfg, &c, nil)
	api := awsscheduler.NewFromConfig(cfg)
	return scheduler.New(api), api, &c
}

// golden returns the compiled schedule id of schedule.dev.golden.json,
// its placeholders resolved.
func golden(t *testing.T, id sluice.ResourceID) sluice.Target {
	t.Helper()
	raw, err := os.ReadFile("../../../compile/testdata/schedule.dev.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var resources []sluice.Resource
	if err := json.Unmarshal(raw, &resources); err != nil {
		t.Fatal(err)
	}
	for _, r := range resources {
		if r.ID != id {
			continue
		}
		r.Spec, err = reconcile.Resolve(r.Spec, map[string]string{
			"${StateMachine/nightly.arn}": machineARN,
			"${target.schedulerRoleArn}":  "arn:aws:iam::000000000000:role/sluice-scheduler",
		})
		if err != nil {
			t.Fatal(err)
		}
		return sluice.Target{Resource: r}
	}
	t.Fatalf("no %s", id)
	return sluice.Target{}
}

// with returns t with its spec's top-level field key set to value.
func with(t sluice.Target, key string, value any) sluice.Target {
	m := map[string]any{}
	_ = json.Unmarshal(t.Spec, &m)
	m[key] = value
	t.Spec, _ = json.Marshal(m)
	t.Tags = maps.Clone(t.Tags)
	return t
}

func observe(t *testing.T, b *scheduler.Backend, tgt sluice.Target) sluice.Observation {
	t.Helper()
	obs, err := b.Observe(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestLifecycleKumo(t *testing.T) {
	b, _, c := kumo(t)
	ctx := context.Background()
	tgt := golden(t, "Schedule/nightly")
	obs, err := b.Create(ctx, tgt)
	if err != nil {
		t.Fatal(err)
	}
	// kumo answers with an account of its own: check region and path.
	if !strings.HasPrefix(obs.ARN, "arn:aws:scheduler:us-east-1:") || !strings.HasSuffix(obs.ARN, ":schedule/default/churn-dev-nightly") {
		t.Errorf("ARN = %q", obs.ARN)
	}
	tgt.ARN = obs.ARN
	got := observe(t, b, tgt)
	if !got.Exists || got.Status != "ENABLED" || !got.Owned("churn", "dev", tgt.ID) {
		t.Fatalf("observed %+v", got)
	}
	if !reconcile.SameJSON(got.Spec, tgt.Spec) {
		t.Errorf("observed spec\n%s\nwant\n%s", got.Spec, tgt.Spec)
	}

	c.Reset()
	if _, err := b.Update(ctx, tgt, got); err != nil {
		t.Fatal(err)
	}
	if n := c.Mutations(); n != 0 {
		t.Errorf("Update with nothing changed made %d mutating calls", n)
	}

	changed := with(tgt, "ScheduleExpression", "cron(0 4 * * ? *)")
	changed.Tags[sluice.TagSpecHash] = "h2"
	if _, err := b.Update(ctx, changed, got); err != nil {
		t.Fatal(err)
	}
	if n := c.Calls("Scheduler", "UpdateSchedule"); n != 1 {
		t.Errorf("%d UpdateSchedule calls, want 1", n)
	}
	after := observe(t, b, changed)
	if !reconcile.SameJSON(after.Spec, changed.Spec) || after.Tags[sluice.TagSpecHash] != "h2" {
		t.Errorf("after update: spec %s, tags %v", after.Spec, after.Tags)
	}

	again, err := b.Create(ctx, changed)
	if err != nil || again.ARN != obs.ARN {
		t.Errorf("second Create = %+v, %v; want the same schedule back", again, err)
	}

	if err := b.Delete(ctx, changed, after); err != nil {
		t.Fatal(err)
	}
	if gone := observe(t, b, changed); gone.Exists {
		t.Fatalf("after Delete: %+v", gone)
	}
	if err := b.Delete(ctx, changed, after); err != nil {
		t.Errorf("Delete of what is gone = %v", err)
	}
}

func TestCreateRefusesWhatItDoesNotOwnKumo(t *testing.T) {
	tests := []struct {
		name        string
		description *string
	}{
		{name: "no description"},
		{name: "a description of its own", description: aws.String("made by hand")},
		{name: "another project's marker", description: aws.String("[sluice] sluice.dev/managed-by=sluice sluice.dev/project=other sluice.dev/environment=dev sluice.dev/resource=Schedule/nightly")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, api, _ := kumo(t)
			tgt := golden(t, "Schedule/nightly")
			_, err := api.CreateSchedule(context.Background(), &awsscheduler.CreateScheduleInput{
				Name: aws.String(tgt.Name), ScheduleExpression: aws.String("rate(1 day)"), Description: tt.description,
				FlexibleTimeWindow: &types.FlexibleTimeWindow{Mode: types.FlexibleTimeWindowModeOff},
				Target:             &types.Target{Arn: aws.String(machineARN), RoleArn: aws.String("arn:aws:iam::000000000000:role/x")},
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = b.Create(context.Background(), tgt)
			if d, _ := sluice.RetryOf(err); err == nil || d != sluice.RetryStalled {
				t.Fatalf("Create = %v, want stalled", err)
			}
		})
	}
}

func TestRenameNeedsReplacementKumo(t *testing.T) {
	b, _, c := kumo(t)
	tgt := golden(t, "Schedule/nightly")
	if _, err := b.Create(context.Background(), tgt); err != nil {
		t.Fatal(err)
	}
	current := observe(t, b, tgt)
	c.Reset()
	_, err := b.Update(context.Background(), with(tgt, "Name", "churn-dev-renamed"), current)
	if !errors.Is(err, reconcile.ErrReplace) {
		t.Fatalf("Update = %v, want ErrReplace", err)
	}
	if n := c.Mutations(); n != 0 {
		t.Errorf("%d mutating calls before ErrReplace", n)
	}
}
