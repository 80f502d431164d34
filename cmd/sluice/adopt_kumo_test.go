package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"
	batchtypes "github.com/aws/aws-sdk-go-v2/service/batch/types"
	awsscheduler "github.com/aws/aws-sdk-go-v2/service/scheduler"
	schedtypes "github.com/aws/aws-sdk-go-v2/service/scheduler/types"

	"github.com/sluice-dev/sluice"
)

// wantRefusedThenAdopted is the way out of lost ownership marks, end to
// end: the plan says "refused: not owned" for id (not an update), apply
// reports it stalled and changes nothing, `adopt --dry-run` shows and
// changes nothing, `adopt` takes it back, and the next apply converges.
func wantRefusedThenAdopted(t *testing.T, w *awsWorld, base, target []string, id string) {
	t.Helper()
	plan := mustRun(t, exitOK, append(append(base, "plan"), target...)...)
	if !strings.Contains(plan, "refuse   "+id) || !strings.Contains(plan, "refused: not owned") ||
		!strings.Contains(plan, "sluice adopt --env") || strings.Contains(plan, "update   "+id) {
		t.Fatalf("plan does not refuse %s:\n%s", id, plan)
	}
	code, out, _ := runCLI(t, append(append(base, "apply"), target...)...)
	if code != exitInvalid || !strings.Contains(out, id+": stalled") || !strings.Contains(out, "refused: not owned") {
		t.Fatalf("apply over a resource that lost its marks: exit %d, want 1 and stalled:\n%s", code, out)
	}
	if n := mutations(t, out); n != "0" {
		t.Errorf("apply made %s mutating calls over a refused resource:\n%s", n, out)
	}

	adopt := []string{"adopt", id, target[0], target[1], target[2], target[3]}
	dry := mustRun(t, exitOK, append(append(base, adopt...), "--dry-run")...)
	if !strings.Contains(dry, "adopting "+id) || !strings.Contains(dry, "+ tag "+sluice.TagManagedBy+"=sluice") ||
		!strings.Contains(dry, "nothing changed") {
		t.Errorf("adopt --dry-run:\n%s", dry)
	}
	if again := mustRun(t, exitOK, append(append(base, "plan"), target...)...); !strings.Contains(again, "refuse   "+id) {
		t.Errorf("adopt --dry-run changed something:\n%s", again)
	}
	done := mustRun(t, exitOK, append(base, adopt...)...)
	t.Logf("refused plan:\n%s\nadopt:\n%s", plan, done)
	if !strings.Contains(done, "adopted "+id) {
		t.Errorf("adopt:\n%s", done)
	}
	if code, _, errOut := runCLI(t, append(base, adopt...)...); code != exitInvalid || !strings.Contains(errOut, "nothing to adopt") {
		t.Errorf("adopting an adopted resource: exit %d, want 1 and nothing to adopt:\n%s", code, errOut)
	}
	plan = mustRun(t, exitOK, append(append(base, "plan"), target...)...)
	if strings.Contains(plan, "refuse") || !strings.Contains(plan, "update   "+id) {
		t.Errorf("after adopt, the plan should update %s (its hand-made change is drift):\n%s", id, plan)
	}
	w.applyUntilDone(t, append(base, target...)...)
	if code, out, _ := runCLI(t, append(append(base, "plan", "--detailed-exitcode"), target...)...); code != exitOK {
		t.Errorf("plan after adopting and applying has changes (exit %d):\n%s", code, out)
	}
}

// TestAdoptJobDefinitionRegisteredByHand: a revision of a step's job
// definition registered by hand without tags becomes the one a job
// submitted by name runs; Sluice refuses to change it until adopted.
func TestAdoptJobDefinitionRegisteredByHand(t *testing.T) {
	w := startAWS(t)
	_, base, target := appliedDemo(t, w, "dev")
	ctx := context.Background()
	c := w.batch.Client()
	out, err := c.DescribeJobDefinitions(ctx, &awsbatch.DescribeJobDefinitionsInput{JobDefinitionName: aws.String("demo-dev-training_train"), Status: aws.String("ACTIVE")})
	if err != nil || len(out.JobDefinitions) == 0 {
		t.Fatalf("the applied job definition: %v, %d revisions", err, len(out.JobDefinitions))
	}
	jd := out.JobDefinitions[0]
	props := *jd.ContainerProperties
	props.Command = []string{"python", "patched-by-hand.py"}
	if _, err := c.RegisterJobDefinition(ctx, &awsbatch.RegisterJobDefinitionInput{
		JobDefinitionName: jd.JobDefinitionName, Type: batchtypes.JobDefinitionTypeContainer,
		ContainerProperties: &props, PlatformCapabilities: jd.PlatformCapabilities,
	}); err != nil {
		t.Fatal(err)
	}
	wantRefusedThenAdopted(t, w, base, target, "JobDefinition/training.train")
}

// TestAdoptScheduleUpdatedByHand: a schedule updated by hand (here,
// disabled) loses the ownership marker in its description; Sluice
// refuses to change it back until adopted.
func TestAdoptScheduleUpdatedByHand(t *testing.T) {
	w := startAWS(t)
	_, base, target := appliedDemo(t, w, "staging")
	ctx := context.Background()
	c := awsscheduler.NewFromConfig(w.kumo.Config)
	s, err := c.GetSchedule(ctx, &awsscheduler.GetScheduleInput{Name: aws.String("demo-staging-training")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateSchedule(ctx, &awsscheduler.UpdateScheduleInput{
		Name: s.Name, GroupName: s.GroupName, ScheduleExpression: s.ScheduleExpression,
		ScheduleExpressionTimezone: s.ScheduleExpressionTimezone, FlexibleTimeWindow: s.FlexibleTimeWindow,
		Target: s.Target, State: schedtypes.ScheduleStateDisabled,
	}); err != nil {
		t.Fatal(err)
	}
	wantRefusedThenAdopted(t, w, base, target, "Schedule/training")
}
