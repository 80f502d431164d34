package sqs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/sqs"
	"github.com/sluice-dev/sluice/internal/kumotest"
	"github.com/sluice-dev/sluice/reconcile"
)

// kumo starts kumo and returns a backend on it and a raw client, both
// counted by the returned Counter.
func kumo(t *testing.T) (*sqs.Backend, *awssqs.Client, *awsapi.Counter) {
	t.Helper()
	srv := kumotest.Start(t)
	var c awsapi.Counter
	cfg := srv.Config.Copy()
	awsapi.Instrument(&cfg, &c, nil)
	api := awssqs.NewFromConfig(cfg)
	return sqs.New(api), api, &c
}

// golden returns the compiled event queue of schedule.dev.golden.json,
// its placeholders resolved for kumo's account.
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
		if r.Type != sluice.TypeEventQueue {
			continue
		}
		r.Spec, err = reconcile.Resolve(r.Spec, map[string]string{"${aws.partition}": "aws", "${aws.region}": "us-east-1", "${aws.accountId}": "000000000000"})
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
	t.Fatal("no EventQueue in the golden file")
	return sluice.Target{}
}

// TestLifecycleKumo creates the compiled queue, reads it back as the
// spec and tags say (no drift), changes an attribute and a tag, and
// deletes it; a second Create of the same queue brings it in line
// rather than failing.
func TestLifecycleKumo(t *testing.T) {
	b, _, calls := kumo(t)
	ctx := context.Background()
	tg := golden(t)
	created, err := b.Create(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(created.ARN, ":"+tg.Name) {
		t.Errorf("ARN %q does not name %s", created.ARN, tg.Name)
	}
	tg.ARN = created.ARN
	obs, err := b.Observe(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if !obs.Exists || !obs.Owned("churn", "dev", tg.ID) || !reconcile.SameJSON(obs.Spec, tg.Spec) {
		t.Errorf("observed %s, tags %v; want the spec as created and the ownership tags", obs.Spec, obs.Tags)
	}
	again, err := b.Create(ctx, tg)
	if err != nil || again.ARN != created.ARN {
		t.Errorf("a second Create: %+v, %v; want the same queue", again, err)
	}
	changed := tg
	changed.Spec = json.RawMessage(strings.Replace(string(tg.Spec), `"VisibilityTimeout":"120"`, `"VisibilityTimeout":"300"`, 1))
	changed.Tags = maps.Clone(tg.Tags)
	changed.Tags["team"] = "ml"
	calls.Reset()
	if _, err := b.Update(ctx, changed, obs); err != nil {
		t.Fatal(err)
	}
	if calls.Calls("SQS", "SetQueueAttributes") != 1 || calls.Calls("SQS", "TagQueue") != 1 || calls.Calls("SQS", "UntagQueue") != 0 {
		t.Errorf("update calls %v: want one SetQueueAttributes and one TagQueue", calls.Snapshot())
	}
	obs, err = b.Observe(ctx, changed)
	if err != nil || !reconcile.SameJSON(obs.Spec, changed.Spec) || obs.Tags["team"] != "ml" {
		t.Errorf("after the update: %s %v, %v", obs.Spec, obs.Tags, err)
	}
	if err := b.Delete(ctx, changed, obs); err != nil {
		t.Fatal(err)
	}
	if obs, err := b.Observe(ctx, changed); err != nil || obs.Exists {
		t.Errorf("after Delete: %+v, %v; want gone", obs, err)
	}
	if err := b.Delete(ctx, changed, obs); err != nil {
		t.Errorf("deleting a queue already gone: %v", err)
	}
}

// TestRefusesAQueueItDoesNotOwn: a queue of the same name made by hand
// is not taken (CreateQueue would have returned it), and is left as it
// was.
func TestRefusesAQueueItDoesNotOwn(t *testing.T) {
	b, api, _ := kumo(t)
	ctx := context.Background()
	tg := golden(t)
	if _, err := api.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String(tg.Name)}); err != nil {
		t.Fatal(err)
	}
	_, err := b.Create(ctx, tg)
	if d, _ := sluice.RetryOf(err); err == nil || d != sluice.RetryStalled || !strings.Contains(err.Error(), "refusing to adopt") {
		t.Errorf("Create over a queue Sluice does not own: %v, want stalled", err)
	}
	obs, err := b.Observe(ctx, tg)
	if err != nil || len(obs.Tags) != 0 {
		t.Errorf("the queue was changed: %+v, %v", obs, err)
	}
}

// TestDiscoverKumo finds the queue by its ownership tags among others.
func TestDiscoverKumo(t *testing.T) {
	b, api, _ := kumo(t)
	ctx := context.Background()
	tg := golden(t)
	created, err := b.Create(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateQueue(ctx, &awssqs.CreateQueueInput{QueueName: aws.String("churn-dev-other")}); err != nil {
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
