package batch_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/reconcile"
)

// fargateSpec is a Fargate compute environment's spec.
const fargateSpec = `{"computeEnvironmentName":"churn-dev-serverless","type":"MANAGED","state":"ENABLED",
 "computeResources":{"type":"FARGATE_SPOT","maxvCpus":16,"subnets":["subnet-a"],"securityGroupIds":["sg-1"]}}`

func TestUpdateComputeEnvironment(t *testing.T) {
	tests := []struct {
		name     string
		base     string
		from, to string // a substring of base and its replacement
		replace  bool
		want     string // substring of the settled observed spec, "" when nothing is sent
	}{
		{name: "max vCPUs in place", base: ceSpec, from: `"maxvCpus":64`, to: `"maxvCpus":128`, want: `"maxvCpus":128`},
		{name: "min vCPUs in place", base: ceSpec, from: `"minvCpus":0`, to: `"minvCpus":2`, want: `"minvCpus":2`},
		{name: "state in place", base: ceSpec, from: `"state":"ENABLED"`, to: `"state":"DISABLED"`, want: `"state":"DISABLED"`},
		{name: "instance types in place with the service-linked role", base: ceSpec,
			from: `["c6i.xlarge","m6i.xlarge"]`, to: `["m6i.xlarge","c7i.xlarge"]`, want: `["m6i.xlarge","c7i.xlarge"]`},
		{name: "subnets reordered is no change", base: ceSpec, from: `["subnet-a","subnet-b"]`, to: `["subnet-b","subnet-a"]`},
		{name: "desired vCPUs are never compared", base: ceSpec, from: `"minvCpus":0`, to: `"minvCpus":0,"desiredvCpus":8`},
		{name: "compute type needs a replacement", base: ceSpec, from: `"type":"EC2"`, to: `"type":"SPOT"`, replace: true},
		{name: "environment type needs a replacement", base: ceSpec, from: `"type":"MANAGED"`, to: `"type":"UNMANAGED"`, replace: true},
		{name: "instance types need a replacement under BEST_FIT", base: strings.Replace(ceSpec, "BEST_FIT_PROGRESSIVE", "BEST_FIT", 1),
			from: `"c6i.xlarge",`, to: ``, replace: true},
		{name: "Fargate subnets in place", base: fargateSpec, from: `["subnet-a"]`, to: `["subnet-a","subnet-c"]`, want: `["subnet-a","subnet-c"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			name := "churn-dev-cpu"
			if tt.base == fargateSpec {
				name = "churn-dev-serverless"
			}
			ce, current := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "x", name, tt.base))
			if !strings.Contains(tt.base, tt.from) {
				t.Fatalf("base spec lacks %s", tt.from)
			}
			ce.Spec = []byte(strings.Replace(tt.base, tt.from, tt.to, 1))
			n := len(f.fake.Calls())
			o, err := f.b.Update(f.ctx, ce, current)
			checkUpdate(t, f, n, err, tt.replace, tt.want != "", "UpdateComputeEnvironment")
			if tt.want == "" {
				return
			}
			if !o.InProgress {
				t.Errorf("after update: %+v, want UPDATING", o)
			}
			f.fake.Settle()
			if got := string(f.mustObserve(t, ce).Spec); !strings.Contains(got, tt.want) {
				t.Errorf("observed %s, want it to contain %s", got, tt.want)
			}
		})
	}
}

// checkUpdate checks an Update's outcome: ErrReplace and no call, one
// update call, or no call at all.
func checkUpdate(t *testing.T, f *fixture, n int, err error, replace, sent bool, op string) {
	t.Helper()
	calls := f.since(n)
	switch {
	case replace:
		if !errors.Is(err, reconcile.ErrReplace) || len(calls) != 0 {
			t.Fatalf("Update = %v with calls %v, want ErrReplace and no call", err, calls)
		}
	case err != nil:
		t.Fatalf("Update: %v", err)
	case sent && !slices.Equal(calls, []string{op}):
		t.Fatalf("calls %v, want [%s]", calls, op)
	case !sent && len(calls) != 0:
		t.Fatalf("calls %v, want none", calls)
	}
}

func TestUpdateJobQueue(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		want     string
	}{
		{name: "priority", from: `"priority":10`, to: `"priority":20`, want: `"priority":20`},
		{name: "state", from: `"state":"ENABLED"`, to: `"state":"DISABLED"`, want: `"state":"DISABLED"`},
		{name: "environment named by ARN is no change", from: `"computeEnvironment":"churn-dev-cpu"`,
			to: `"computeEnvironment":"arn:aws:batch:us-east-1:000000000000:compute-environment/churn-dev-cpu"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
			jq, current := f.mustCreate(t, target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec))
			jq.Spec = []byte(strings.Replace(jqSpec, tt.from, tt.to, 1))
			n := len(f.fake.Calls())
			_, err := f.b.Update(f.ctx, jq, current)
			checkUpdate(t, f, n, err, false, tt.want != "", "UpdateJobQueue")
			f.fake.Settle()
			if got := string(f.mustObserve(t, jq).Spec); !strings.Contains(got, tt.want) {
				t.Errorf("observed %s, want it to contain %s", got, tt.want)
			}
		})
	}
}

// TestUpdateTags changes the user tags of each kind and reads them back.
func TestUpdateTags(t *testing.T) {
	f := newFixture(t, 0)
	targets := []sluice.Target{
		target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec),
		target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec),
		target(sluice.TypeJobDefinition, "fit", "churn-dev-train_fit", strings.Replace(jdSpec, "%s", "train:1", 1)),
	}
	for _, tg := range targets {
		tg, current := f.mustCreate(t, tg)
		delete(tg.Tags, "team")
		tg.Tags["owner"] = "ana"
		n := len(f.fake.Calls())
		if _, err := f.b.Update(f.ctx, tg, current); err != nil {
			t.Fatalf("Update %s: %v", tg.ID, err)
		}
		if got := f.since(n); !slices.Equal(got, []string{"UntagResource", "TagResource"}) {
			t.Errorf("%s: calls %v, want untag then tag only", tg.ID, got)
		}
		if o := f.mustObserve(t, tg); o.Tags["owner"] != "ana" || o.Tags["team"] != "" || !o.Owned(projectName, env, tg.ID) {
			t.Errorf("%s: tags %v", tg.ID, o.Tags)
		}
	}
}

// TestCreateRefusesForeignName: a name taken by a resource without
// Sluice's tags stalls, and nothing is created or changed.
func TestCreateRefusesForeignName(t *testing.T) {
	f := newFixture(t, 0)
	c := f.fake.Client()
	ctx := context.Background()
	if _, err := c.CreateComputeEnvironment(ctx, &awsbatch.CreateComputeEnvironmentInput{
		ComputeEnvironmentName: aws.String("churn-dev-cpu"), Type: "MANAGED", Tags: map[string]string{"team": "ml"}}); err != nil {
		t.Fatal(err)
	}
	f.fake.Settle()
	if _, err := c.RegisterJobDefinition(ctx, &awsbatch.RegisterJobDefinitionInput{
		JobDefinitionName: aws.String("churn-dev-train_fit"), Type: "container"}); err != nil {
		t.Fatal(err)
	}
	for _, tg := range []sluice.Target{
		target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec),
		target(sluice.TypeJobDefinition, "fit", "churn-dev-train_fit", strings.Replace(jdSpec, "%s", "train:1", 1)),
	} {
		n := len(f.fake.Calls())
		_, err := f.b.Create(f.ctx, tg)
		wantRetry(t, err, sluice.RetryStalled)
		if got := f.since(n); len(got) != 0 {
			t.Errorf("%s: calls %v after finding a foreign resource", tg.ID, got)
		}
	}
}

// TestCreateAgainIsIdempotent: after a crash between Create and
// recording it, Create finds what Sluice made and makes nothing new.
func TestCreateAgainIsIdempotent(t *testing.T) {
	f := newFixture(t, 0)
	for _, tg := range []sluice.Target{
		target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec),
		target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec),
		target(sluice.TypeJobDefinition, "fit", "churn-dev-train_fit", strings.Replace(jdSpec, "%s", "train:1", 1)),
	} {
		_, first := f.mustCreate(t, tg)
		n := len(f.fake.Calls())
		again, err := f.b.Create(f.ctx, tg)
		if err != nil || again.ARN != first.ARN {
			t.Fatalf("%s: second Create = %+v, %v; want %s", tg.ID, again, err, first.ARN)
		}
		if got := f.since(n); len(got) != 0 {
			t.Errorf("%s: second Create made calls %v", tg.ID, got)
		}
	}
}

// TestInvalidStalls: an INVALID compute environment or queue with
// nothing to change is a stalled error carrying Batch's reason; a change
// of spec is still sent, as it may be the fix.
func TestInvalidStalls(t *testing.T) {
	f := newFixture(t, 0)
	ce, _ := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
	jq, _ := f.mustCreate(t, target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec))
	for _, tg := range []sluice.Target{ce, jq} {
		if !f.fake.Invalidate(tg.ARN, "CLIENT_ERROR - bad subnet") {
			t.Fatal("nothing to invalidate")
		}
		_, err := f.b.Update(f.ctx, tg, f.mustObserve(t, tg))
		wantRetry(t, err, sluice.RetryStalled)
		if !strings.Contains(err.Error(), "bad subnet") {
			t.Errorf("%s: %v lacks the reason", tg.ID, err)
		}
	}
	ce.Spec = []byte(strings.Replace(ceSpec, `"maxvCpus":64`, `"maxvCpus":32`, 1))
	n := len(f.fake.Calls())
	if _, err := f.b.Update(f.ctx, ce, f.mustObserve(t, ce)); err != nil {
		t.Fatalf("Update with a change: %v", err)
	}
	if got := f.since(n); !slices.Equal(got, []string{"UpdateComputeEnvironment"}) {
		t.Fatalf("calls %v", got)
	}
}
