package events_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/events"
	"github.com/sluice-dev/sluice/internal/eventsfake"
	"github.com/sluice-dev/sluice/reconcile"
)

// fake starts the EventBridge fake and returns a client on it.
func fake(t *testing.T) *eventbridge.Client {
	t.Helper()
	srv := eventsfake.Start("eu-west-1", "123456789012")
	t.Cleanup(srv.Close)
	return eventbridge.New(eventbridge.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
}

// compiledPattern returns the compiled rule's event pattern, resolved for
// account 123456789012 in eu-west-1.
func compiledPattern(t *testing.T) string {
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
		spec, err := reconcile.Resolve(r.Spec, map[string]string{"${aws.partition}": "aws", "${aws.region}": "eu-west-1",
			"${aws.accountId}": "123456789012", "${EventQueue/churn.arn}": "arn:aws:sqs:eu-west-1:123456789012:churn-dev-runs"})
		if err != nil {
			t.Fatal(err)
		}
		var s struct{ EventPattern string }
		if err := json.Unmarshal(spec, &s); err != nil {
			t.Fatal(err)
		}
		return s.EventPattern
	}
	t.Fatal("no EventRule in the golden file")
	return ""
}

// TestCompiledPatternMatchesTheEnvironment asks EventBridge's
// TestEventPattern (the fake's, which matches "$or" where kumo does not)
// whether the compiled rule of churn/dev takes the documented events of
// its own executions and jobs, and none of another project's or
// environment's, nor other events.
func TestCompiledPatternMatchesTheEnvironment(t *testing.T) {
	api := fake(t)
	pattern := compiledPattern(t)
	read := func(name string) string {
		b, err := os.ReadFile("../../../runs/ingest/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	execution, job := read("execution-failed.json"), read("job-failed.json")
	tests := []struct {
		name, event string
		want        bool
	}{
		{"its execution", execution, true},
		{"its Batch job", job, true},
		{"another project's execution", strings.ReplaceAll(execution, "stateMachine:churn-dev-", "stateMachine:other-dev-"), false},
		{"another environment's job", strings.ReplaceAll(job, "job-queue/churn-dev-", "job-queue/churn-prod-"), false},
		{"another account's execution", strings.ReplaceAll(execution, "123456789012:stateMachine:", "999999999999:stateMachine:"), false},
		{"a Step Functions event of another kind", strings.Replace(execution, "Step Functions Execution Status Change", "Step Functions State Machine Status Change", 1), false},
		{"a job event from another source", strings.Replace(job, `"source": "aws.batch"`, `"source": "custom.batch"`, 1), false},
		{"an EC2 event", read("other-event.json"), false},
	}
	for _, tc := range tests {
		out, err := api.TestEventPattern(context.Background(), &eventbridge.TestEventPatternInput{EventPattern: &pattern, Event: aws.String(tc.event)})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.Result != tc.want {
			t.Errorf("%s: matched %v, want %v", tc.name, out.Result, tc.want)
		}
	}
}

// TestDeleteRemovesTargetsFirst: EventBridge refuses to delete a rule
// that has targets; the backend's Delete removes them first and
// succeeds, and deleting again is a success.
func TestDeleteRemovesTargetsFirst(t *testing.T) {
	api := fake(t)
	ctx := context.Background()
	tg := golden(t)
	b := events.New(api)
	created, err := b.Create(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.DeleteRule(ctx, &eventbridge.DeleteRuleInput{Name: aws.String(tg.Name)}); err == nil {
		t.Fatal("the fake deleted a rule that has targets; EventBridge refuses")
	}
	tg.ARN = created.ARN
	obs, err := b.Observe(ctx, tg)
	if err != nil || !reconcile.SameJSON(obs.Spec, tg.Spec) || !strings.HasSuffix(obs.ARN, ":rule/"+tg.Name) {
		t.Fatalf("observed %+v, %v", obs, err)
	}
	if err := b.Delete(ctx, tg, obs); err != nil {
		t.Fatal(err)
	}
	if obs, err := b.Observe(ctx, tg); err != nil || obs.Exists {
		t.Errorf("after Delete: %+v, %v", obs, err)
	}
	if err := b.Delete(ctx, tg, obs); err != nil {
		t.Errorf("deleting again: %v", err)
	}
}
