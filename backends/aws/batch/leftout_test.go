package batch_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsbatch "github.com/aws/aws-sdk-go-v2/service/batch"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/batch/batchfake"
	"github.com/sluice-dev/sluice/reconcile"
)

// TestLeftOutServiceRole: a compute environment whose document leaves
// serviceRole out uses Batch's service-linked role (null in the spec).
// Going between that role and a regular one is refused (stalled, nothing
// sent): Batch cannot make it in place, and a replacement could not
// delete the environment its queue uses. Between two regular roles it
// is an update.
func TestLeftOutServiceRole(t *testing.T) {
	const role = `"serviceRole":"arn:aws:iam::000000000000:role/batch-a",`
	withRole := strings.Replace(ceSpec, `"state"`, role+`"state"`, 1)
	leftOut := strings.Replace(ceSpec, `"state"`, `"serviceRole":null,"state"`, 1)
	tests := []struct {
		name    string
		from    string
		to      string
		refused bool
		sent    bool
	}{
		{name: "left out stays the service-linked role", from: leftOut, to: leftOut},
		{name: "removed: refused", from: withRole, to: leftOut, refused: true},
		{name: "set on an environment with the service-linked role: refused", from: leftOut, to: withRole, refused: true},
		{name: "another regular role in place", from: withRole, to: strings.Replace(withRole, "batch-a", "batch-b", 1), sent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			ce, current := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", tt.from))
			if !reconcile.SameJSON(current.Spec, ce.Spec) {
				t.Fatalf("created environment reads %s, want %s", current.Spec, ce.Spec)
			}
			ce.Spec = []byte(tt.to)
			n := len(f.fake.Calls())
			_, err := f.b.Update(f.ctx, ce, current)
			if tt.refused {
				wantRetry(t, err, sluice.RetryStalled)
				if !strings.Contains(err.Error(), "serviceRole") || len(f.since(n)) != 0 {
					t.Fatalf("Update = %v with calls %v, want a stalled error naming serviceRole and no call", err, f.since(n))
				}
				return
			}
			checkUpdate(t, f, n, err, false, tt.sent, "UpdateComputeEnvironment")
			f.fake.Settle()
			if o := f.mustObserve(t, ce); !reconcile.SameJSON(o.Spec, ce.Spec) {
				t.Errorf("after update the environment reads %s, want %s", o.Spec, ce.Spec)
			}
		})
	}
}

// TestFakeRefusesServiceRoleSwitch: the fake refuses, as Batch does, to
// move an environment from the service-linked role to a regular one, so
// that the backend's replacement is what converges.
func TestFakeRefusesServiceRoleSwitch(t *testing.T) {
	f := newFixture(t, 0)
	ce, _ := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
	_, err := f.fake.Client().UpdateComputeEnvironment(f.ctx, &awsbatch.UpdateComputeEnvironmentInput{
		ComputeEnvironment: aws.String(ce.ARN), ServiceRole: aws.String("arn:aws:iam::000000000000:role/batch-a")})
	if err == nil || !strings.Contains(err.Error(), "service-linked") {
		t.Fatalf("UpdateComputeEnvironment to a regular role = %v, want refused", err)
	}
	out, err := f.fake.Client().DescribeComputeEnvironments(f.ctx, &awsbatch.DescribeComputeEnvironmentsInput{ComputeEnvironments: []string{ce.ARN}})
	if err != nil || len(out.ComputeEnvironments) != 1 || aws.ToString(out.ComputeEnvironments[0].ServiceRole) != batchfake.ServiceLinkedRole {
		t.Fatalf("environment after the refused update: %+v, %v; want the service-linked role", out, err)
	}
}

// TestLeftOutJobDefinitionFields: a step's timeout, job role, secrets,
// volumes and shared memory left out are null in the definition; a
// revision that has them is different, and the new revision has none.
func TestLeftOutJobDefinitionFields(t *testing.T) {
	set := strings.Replace(fmt.Sprintf(jdSpec, "train:1"), `"jobRoleArn":"arn:aws:iam::000000000000:role/train",`,
		`"jobRoleArn":"arn:aws:iam::000000000000:role/train","linuxParameters":{"sharedMemorySize":2048},`+
			`"secrets":[{"name":"TOKEN","valueFrom":"arn:aws:ssm:us-east-1:000000000000:parameter/token"}],`, 1)
	set = strings.Replace(set, `"retryStrategy"`, `"timeout":{"attemptDurationSeconds":600},"retryStrategy"`, 1)
	left := strings.NewReplacer(`"arn:aws:iam::000000000000:role/train"`, `null`, `{"sharedMemorySize":2048}`, `null`,
		`[{"name":"TOKEN","valueFrom":"arn:aws:ssm:us-east-1:000000000000:parameter/token"}]`, `null`,
		`{"attemptDurationSeconds":600}`, `null`).Replace(set)
	f := newFixture(t, 0)
	jd, current := f.mustCreate(t, target(sluice.TypeJobDefinition, "train", "churn-dev-train_fit", set))
	jd.Spec = []byte(left)
	n := len(f.fake.Calls())
	o, err := f.b.Update(f.ctx, jd, current)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.since(n); !slices.Contains(got, "RegisterJobDefinition") || o.ARN == current.ARN {
		t.Fatalf("calls %v (ARN %s, was %s): want a new revision without the fields", got, o.ARN, current.ARN)
	}
	o = f.mustObserve(t, jd)
	if !reconcile.SameJSON(o.Spec, jd.Spec) {
		t.Fatalf("new revision reads %s, want %s", o.Spec, jd.Spec)
	}
	out, err := f.fake.Client().DescribeJobDefinitions(f.ctx, &awsbatch.DescribeJobDefinitionsInput{JobDefinitions: []string{o.ARN}})
	if err != nil || len(out.JobDefinitions) != 1 {
		t.Fatalf("DescribeJobDefinitions %s = %+v, %v", o.ARN, out, err)
	}
	d := out.JobDefinitions[0]
	if d.Timeout != nil || d.ContainerProperties.JobRoleArn != nil || len(d.ContainerProperties.Secrets) > 0 || d.ContainerProperties.LinuxParameters != nil {
		t.Errorf("new revision keeps what was left out: timeout %v, role %v, secrets %v, linux %v", d.Timeout,
			aws.ToString(d.ContainerProperties.JobRoleArn), d.ContainerProperties.Secrets, d.ContainerProperties.LinuxParameters)
	}
	n = len(f.fake.Calls())
	if _, err := f.b.Update(f.ctx, jd, o); err != nil || len(f.since(n)) != 0 {
		t.Errorf("Update of the converged definition: %v, calls %v; want none", err, f.since(n))
	}
}
