package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
)

// TestPlanReadAheadKumo: a plan given --state reads the inventory back
// while the repository loads. With nothing changed it plans nothing,
// having read each state machine once (the plan does not read again
// what was read ahead); with a broken pipeline file it reports the file
// and exits invalid.
func TestPlanReadAheadKumo(t *testing.T) {
	q := startQuotaAWS(t, nil)
	dir := writeBenchRepo(t, 2)
	args := []string{"--repo", dir, "--env", "dev", "--state", filepath.Join(t.TempDir(), "state.db")}
	q.applyRounds(t, false, args...)
	r := q.measure(func() {
		if code, out, errOut := runCLI(t, append([]string{"plan", "--detailed-exitcode"}, args...)...); code != exitOK || !strings.Contains(errOut, "AWS calls:") {
			t.Errorf("plan with nothing changed: exit %d, want 0 and a call count:\n%s\n%s", code, out, errOut)
		}
	})
	for op, want := range map[string]int{"SFN.DescribeStateMachine": 2, "Resource Groups Tagging API.GetResources": 1} {
		if n := r.counts[op].Passed; n != want {
			t.Errorf("%s: %d calls, want %d (one per state machine, one tagging call):\n%s", op, n, want, r.table)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "deploy", "pipelines", "p0001.yaml"), []byte("kind: Pipeline\nmetadata: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, append([]string{"plan"}, args...)...)
	if code != exitInvalid || !strings.Contains(out+errOut, "p0001.yaml") {
		t.Errorf("plan of a broken file: exit %d, want %d naming p0001.yaml:\n%s\n%s", code, exitInvalid, out, errOut)
	}
}

// TestPlanReadAheadDriftKumo: a state machine changed by hand and one
// deleted by hand, read back ahead and compared as they arrive, are
// planned as drift and as deleted outside Sluice, the others as
// unchanged, with one DescribeStateMachine each.
func TestPlanReadAheadDriftKumo(t *testing.T) {
	q := startQuotaAWS(t, nil)
	args := []string{"--repo", writeBenchRepo(t, 3), "--env", "dev", "--state", filepath.Join(t.TempDir(), "state.db")}
	q.applyRounds(t, false, args...)
	ctx := context.Background()
	c := awssfn.New(awssfn.Options{Region: "us-east-1", BaseEndpoint: aws.String(q.sfn.URL), Credentials: aws.AnonymousCredentials{}, RetryMaxAttempts: 1})
	list, err := c.ListStateMachines(ctx, &awssfn.ListStateMachinesInput{})
	if err != nil || len(list.StateMachines) != 3 {
		t.Fatalf("state machines: %v, %v; want 3", list, err)
	}
	changed, deleted := list.StateMachines[0], list.StateMachines[1]
	if _, err := c.UpdateStateMachine(ctx, &awssfn.UpdateStateMachineInput{StateMachineArn: changed.StateMachineArn,
		Definition: aws.String(`{"StartAt":"x","States":{"x":{"Type":"Pass","End":true}}}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteStateMachine(ctx, &awssfn.DeleteStateMachineInput{StateMachineArn: deleted.StateMachineArn}); err != nil {
		t.Fatal(err)
	}
	// DELETING (in progress, not drift) for a few descriptions, then gone.
	for range 10 {
		if _, err := c.DescribeStateMachine(ctx, &awssfn.DescribeStateMachineInput{StateMachineArn: deleted.StateMachineArn}); err != nil {
			break
		}
	}
	var out string
	r := q.measure(func() {
		var code int
		var errOut string
		code, out, errOut = runCLI(t, append([]string{"plan", "--format", "json"}, args...)...)
		if code != exitOK {
			t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
		}
	})
	var plan struct {
		Plan struct {
			Changes []struct {
				ID, Action, Reason string
				Drift              bool
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("plan JSON: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, ch := range plan.Plan.Changes {
		if !ch.Drift {
			t.Errorf("%s: %s (%s), want only drift in this plan", ch.ID, ch.Action, ch.Reason)
		}
		got[ch.ID] = ch.Action + ": " + ch.Reason
	}
	if len(got) != 2 {
		t.Errorf("changes %v, want the changed and the deleted state machine:\n%s", got, out)
	}
	for id, reason := range got {
		ok := strings.Contains(reason, "drifted") || strings.Contains(reason, "deleted outside Sluice")
		if !strings.HasPrefix(id, "StateMachine/") || !ok {
			t.Errorf("%s: %s, want a state machine drifted or deleted outside Sluice", id, reason)
		}
	}
	if n := r.counts["SFN.DescribeStateMachine"].Passed; n != 3 {
		t.Errorf("%d DescribeStateMachine, want one per state machine:\n%s", n, r.table)
	}
}
