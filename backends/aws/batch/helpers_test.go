package batch_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/batch"
	"github.com/sluice-dev/sluice/backends/aws/batch/batchfake"
)

const (
	projectName = "churn"
	env         = "dev"
)

// target builds a desired resource of typ with Sluice's ownership tags.
func target(typ sluice.ResourceType, logical, name, spec string) sluice.Target {
	id := sluice.ResourceID(string(typ) + "/" + logical)
	return sluice.Target{Resource: sluice.Resource{
		ID: id, Type: typ, Name: name, Deletion: sluice.DeletionDelete, Spec: json.RawMessage(spec),
		Tags: map[string]string{
			sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: projectName,
			sluice.TagEnvironment: env, sluice.TagResource: string(id), "team": "ml",
		},
	}}
}

// ceSpec is a managed EC2 compute environment's spec.
const ceSpec = `{"computeEnvironmentName":"churn-dev-cpu","type":"MANAGED","state":"ENABLED",
 "computeResources":{"type":"EC2","allocationStrategy":"BEST_FIT_PROGRESSIVE","minvCpus":0,"maxvCpus":64,
  "instanceTypes":["c6i.xlarge","m6i.xlarge"],"subnets":["subnet-a","subnet-b"],"securityGroupIds":["sg-1"],
  "instanceRole":"arn:aws:iam::000000000000:instance-profile/ecsInstanceRole"}}`

// jqSpec is a queue on the compute environment of ceSpec.
const jqSpec = `{"jobQueueName":"churn-dev-cpu","priority":10,"state":"ENABLED",
 "computeEnvironmentOrder":[{"order":1,"computeEnvironment":"churn-dev-cpu"}]}`

// jdSpec is a container job definition; %s is the image.
const jdSpec = `{"jobDefinitionName":"churn-dev-train_fit","type":"container","platformCapabilities":["EC2"],
 "propagateTags":true,"retryStrategy":{"attempts":1},
 "containerProperties":{"image":"%s","jobRoleArn":"arn:aws:iam::000000000000:role/train",
  "environment":[{"name":"MODE","value":"gpu"},{"name":"LOG_LEVEL","value":"info"},{"name":"EMPTY","value":""}],
  "resourceRequirements":[{"type":"VCPU","value":"2"},{"type":"MEMORY","value":"16384"}]}}`

// fixture is a backend on a fresh fake Batch.
type fixture struct {
	fake *batchfake.Server
	b    *batch.Backend
	ctx  context.Context
}

// newFixture starts a fake and a backend keeping keep revisions.
func newFixture(t *testing.T, keep int) *fixture {
	t.Helper()
	f := batchfake.Start(t)
	return &fixture{fake: f, b: batch.New(f.Client(), batch.Options{KeepRevisions: keep}), ctx: t.Context()}
}

// mustObserve observes tg, failing the test on error.
func (f *fixture) mustObserve(t *testing.T, tg sluice.Target) sluice.Observation {
	t.Helper()
	o, err := f.b.Observe(f.ctx, tg)
	if err != nil {
		t.Fatalf("Observe %s: %v", tg.ID, err)
	}
	return o
}

// mustCreate creates tg and settles the fake, returning the recorded
// target and its settled observation.
func (f *fixture) mustCreate(t *testing.T, tg sluice.Target) (sluice.Target, sluice.Observation) {
	t.Helper()
	o, err := f.b.Create(f.ctx, tg)
	if err != nil {
		t.Fatalf("Create %s: %v", tg.ID, err)
	}
	tg.ARN = o.ARN
	f.fake.Settle()
	return tg, f.mustObserve(t, tg)
}

// since returns the calls made after the first n, without Describes.
func (f *fixture) since(n int) []string {
	var out []string
	for _, c := range f.fake.Calls()[n:] {
		if !slices.Contains([]string{"DescribeComputeEnvironments", "DescribeJobQueues", "DescribeJobDefinitions"}, c) {
			out = append(out, c)
		}
	}
	return out
}

// wantRetry fails the test unless err carries decision.
func wantRetry(t *testing.T, err error, decision sluice.Retry) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", decision)
	}
	var re *sluice.RetryError
	if got, _ := sluice.RetryOf(err); got != decision || !errors.As(err, &re) {
		t.Fatalf("got %v, want a %s error", err, decision)
	}
	if decision == sluice.RetryWaiting && re.After < time.Second {
		t.Fatalf("waiting error %v retries after %s", err, re.After)
	}
}
