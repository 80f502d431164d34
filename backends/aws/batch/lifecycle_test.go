package batch_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
)

// TestLifecycle drives a compute environment, its queue and a job
// definition from nothing to created, through revisions, and back to
// nothing, with the fake's transitional states and refusals on the way.
func TestLifecycle(t *testing.T) {
	f := newFixture(t, 2)
	ce := target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec)
	jq := target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec)

	ce = createWaitingCE(t, f, ce)
	jq, _ = f.mustCreate(t, jq)
	jd := revisions(t, f)

	jd = bare(jd)
	if err := f.b.Delete(f.ctx, jd, f.mustObserve(t, jd)); err != nil {
		t.Fatalf("Delete job definition: %v", err)
	}
	if o := f.mustObserve(t, jd); o.Exists {
		t.Fatalf("job definition still has an active revision: %+v", o)
	}
	deleteInSteps(t, f, jq, []string{"UpdateJobQueue", "DeleteJobQueue"})
	deleteInSteps(t, f, ce, []string{"UpdateComputeEnvironment", "DeleteComputeEnvironment"})
}

// createWaitingCE creates the compute environment and checks it reports
// CREATING (and refuses updates) until it settles VALID.
func createWaitingCE(t *testing.T, f *fixture, ce sluice.Target) sluice.Target {
	t.Helper()
	if o := f.mustObserve(t, ce); o.Exists {
		t.Fatalf("before create: %+v", o)
	}
	o, err := f.b.Create(f.ctx, ce)
	if err != nil || !o.InProgress || !strings.Contains(o.ARN, ":compute-environment/churn-dev-cpu") {
		t.Fatalf("Create = %+v, %v", o, err)
	}
	ce.ARN = o.ARN
	o = f.mustObserve(t, ce)
	if !o.Exists || !o.InProgress || o.Status != "CREATING" {
		t.Fatalf("just created: %+v", o)
	}
	_, err = f.b.Update(f.ctx, ce, o)
	wantRetry(t, err, sluice.RetryWaiting)
	f.fake.Settle()
	if o = f.mustObserve(t, ce); o.InProgress || o.Status != "VALID" || !o.Owned(projectName, env, ce.ID) {
		t.Fatalf("settled: %+v", o)
	}
	return ce
}

// revisions registers the job definition, re-applies it unchanged and
// changed, and checks revisions and deregistration with KeepRevisions 2.
func revisions(t *testing.T, f *fixture) sluice.Target {
	t.Helper()
	jd := target(sluice.TypeJobDefinition, "train.fit", "churn-dev-train_fit", fmt.Sprintf(jdSpec, "train:1"))
	steps := []struct {
		image   string
		wantARN string
	}{
		{"train:1", ":job-definition/churn-dev-train_fit:1"},
		{"train:1", ":job-definition/churn-dev-train_fit:1"},
		{"train:2", ":job-definition/churn-dev-train_fit:2"},
		{"train:3", ":job-definition/churn-dev-train_fit:3"},
	}
	for i, s := range steps {
		jd.Spec = []byte(fmt.Sprintf(jdSpec, s.image))
		var o sluice.Observation
		var err error
		if i == 0 {
			o, err = f.b.Create(f.ctx, jd)
		} else {
			o, err = f.b.Update(f.ctx, jd, f.mustObserve(t, jd))
		}
		if err != nil || !strings.HasSuffix(o.ARN, s.wantARN) {
			t.Fatalf("step %d (%s): %+v, %v; want ARN ending %s", i, s.image, o, err, s.wantARN)
		}
		if got := f.mustObserve(t, jd); got.ARN != o.ARN {
			t.Fatalf("step %d: observed latest %s, applied %s", i, got.ARN, o.ARN)
		}
	}
	if got := activeRevisions(t, f, jd.Name); !slices.Equal(got, []int32{2, 3}) {
		t.Fatalf("active revisions %v, want [2 3]", got)
	}
	return jd
}

// activeRevisions lists the ACTIVE revisions of name, as the API tells.
func activeRevisions(t *testing.T, f *fixture, name string) []int32 {
	t.Helper()
	out, err := f.fake.Client().DescribeJobDefinitions(context.Background(),
		&awsbatch.DescribeJobDefinitionsInput{JobDefinitionName: &name, Status: aws.String("ACTIVE")})
	if err != nil {
		t.Fatal(err)
	}
	var revs []int32
	for _, d := range out.JobDefinitions {
		revs = append(revs, aws.ToInt32(d.Revision))
	}
	slices.Sort(revs)
	return revs
}

// deleteInSteps deletes tg the way the reconciler does (knowing only
// its identity, not its spec), calling Delete until it returns nil, and
// checks the steps: disable, wait while UPDATING, delete, wait while
// DELETING, gone.
func deleteInSteps(t *testing.T, f *fixture, tg sluice.Target, wantCalls []string) {
	t.Helper()
	tg = bare(tg)
	n := len(f.fake.Calls())
	for _, settle := range []bool{false, true, false, true} {
		err := f.b.Delete(f.ctx, tg, f.mustObserve(t, tg))
		wantRetry(t, err, sluice.RetryWaiting)
		if settle {
			f.fake.Settle()
		}
	}
	if err := f.b.Delete(f.ctx, tg, f.mustObserve(t, tg)); err != nil {
		t.Fatalf("Delete %s once gone: %v", tg.ID, err)
	}
	if o := f.mustObserve(t, tg); o.Exists {
		t.Fatalf("%s still exists: %+v", tg.ID, o)
	}
	if got := f.since(n); !slices.Equal(got, wantCalls) {
		t.Fatalf("%s delete calls %v, want %v", tg.ID, got, wantCalls)
	}
}

// bare is tg as the reconciler knows a resource it prunes: identity and
// tags, no spec.
func bare(tg sluice.Target) sluice.Target {
	return sluice.Target{Resource: sluice.Resource{ID: tg.ID, Type: tg.Type, Name: tg.Name, Tags: tg.Tags}, ARN: tg.ARN}
}
