package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/events"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/reconcile"
)

const queueARN = "arn:aws:sqs:us-east-1:000000000000:churn-dev-runs"

// kumo starts kumo and returns a backend on it and a raw client, both
// counted by the returned Counter.
func kumo(t *testing.T) (*events.Backend, *eventbridge.Client, *awsapi.Counter) {
	t.Helper()
	srv := kumotest.Start(t)
	var c awsapi.Counter
	cfg := srv.Config.Copy()
	awsapi.Instrument(&cfg, &c, nil)
	api := eventbridge.NewFromConfig(cfg)
	return events.New(api), api, &c
}

// golden returns the compiled event rule of schedule.dev.golden.json,
// its placeholders resolved for kumo's account, its spec compact.
func golden(t *testing.T) sluice.Target {
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
		if r.Type != sluice.TypeEventRule {
			continue
		}
		r.Spec, err = reconcile.Resolve(r.Spec, map[string]string{"${aws.partition}": "aws", "${aws.region}": "us-east-1",
			"${aws.accountId}": "000000000000", "${EventQueue/churn.arn}": queueARN})
		if err != nil {
			t.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, r.Spec); err != nil {
			t.Fatal(err)
		}
		r.Spec = compact.Bytes()
		return sluice.Target{Resource: r}
	}
	t.Fatal("no EventRule in the golden file")
	return sluice.Target{}
}

// TestLifecycleKumo creates the compiled rule with its queue target,
// reads it back as compiled, updates its state, targets and tags
// sending only what differs, and deletes it (targets first).
func TestLifecycleKumo(t *testing.T) {
	b, _, calls := kumo(t)
	ctx := context.Background()
	tg := golden(t)
	created, err := b.Create(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	// AWS names a default-bus rule rule/NAME; kumo v0.33.1 says
	// rule/default/NAME, as for a rule of a named bus. Both name it.
	if !strings.Contains(created.ARN, ":rule/") || !strings.HasSuffix(created.ARN, "/"+tg.Name) {
		t.Errorf("ARN %q does not name %s", created.ARN, tg.Name)
	}
	tg.ARN = created.ARN
	obs, err := b.Observe(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if !obs.Exists || !obs.Owned("churn", "dev", tg.ID) || !reconcile.SameJSON(obs.Spec, tg.Spec) {
		t.Errorf("observed %s, tags %v; want the spec as created, with its target, and the ownership tags", obs.Spec, obs.Tags)
	}
	changed := tg
	changed.Spec = json.RawMessage(strings.Replace(string(tg.Spec), `"State":"ENABLED"`, `"State":"DISABLED"`, 1))
	changed.Spec = json.RawMessage(strings.Replace(string(changed.Spec), `"Id":"sluice-run-events"`, `"Id":"other"`, 1))
	changed.Tags = maps.Clone(tg.Tags)
	changed.Tags["team"] = "ml"
	calls.Reset()
	if _, err := b.Update(ctx, changed, obs); err != nil {
		t.Fatal(err)
	}
	for op, want := range map[string]int{"PutRule": 1, "PutTargets": 1, "RemoveTargets": 1, "TagResource": 1, "UntagResource": 0} {
		if got := calls.Calls("EventBridge", op); got != want {
			t.Errorf("update: %d %s calls, want %d (all calls %v)", got, op, want, calls.Snapshot())
		}
	}
	obs, err = b.Observe(ctx, changed)
	if err != nil || !reconcile.SameJSON(obs.Spec, changed.Spec) || obs.Tags["team"] != "ml" {
		t.Errorf("after the update: %s %v, %v", obs.Spec, obs.Tags, err)
	}
	calls.Reset()
	if err := b.Delete(ctx, changed, obs); err != nil {
		t.Fatal(err)
	}
	if calls.Calls("EventBridge", "RemoveTargets") != 1 {
		t.Errorf("Delete removed no targets first: %v", calls.Snapshot())
	}
	if obs, err := b.Observe(ctx, changed); err != nil || obs.Exists {
		t.Errorf("after Delete: %+v, %v; want gone", obs, err)
	}
	if err := b.Delete(ctx, changed, obs); err != nil {
		t.Errorf("deleting a rule already gone: %v", err)
	}
}

// TestRefusesARuleItDoesNotOwn: PutRule would replace a rule of the
// same name; the backend refuses one without Sluice's tags and leaves it
// as it was.
func TestRefusesARuleItDoesNotOwn(t *testing.T) {
	b, api, calls := kumo(t)
	ctx := context.Background()
	tg := golden(t)
	if _, err := api.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String(tg.Name), ScheduleExpression: aws.String("rate(1 hour)")}); err != nil {
		t.Fatal(err)
	}
	calls.Reset()
	_, err := b.Create(ctx, tg)
	if d, _ := sluice.RetryOf(err); err == nil || d != sluice.RetryStalled || !strings.Contains(err.Error(), "refusing to adopt") {
		t.Errorf("Create over a rule Sluice does not own: %v, want stalled", err)
	}
	if calls.Mutations() != 0 {
		t.Errorf("%d mutating calls on a rule Sluice does not own", calls.Mutations())
	}
}

// TestDiscoverKumo finds the rule by its ownership tags among others.
func TestDiscoverKumo(t *testing.T) {
	b, api, _ := kumo(t)
	ctx := context.Background()
	tg := golden(t)
	created, err := b.Create(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.PutRule(ctx, &eventbridge.PutRuleInput{Name: aws.String("churn-dev-other"), ScheduleExpression: aws.String("rate(1 hour)")}); err != nil {
		t.Fatal(err)
	}
	found, err := b.Discover(ctx, "churn", "dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].ARN != created.ARN || found[0].Tags[sluice.TagResource] != string(tg.ID) {
		t.Errorf("discovered %+v, want only %s", found, created.ARN)
	}
}
