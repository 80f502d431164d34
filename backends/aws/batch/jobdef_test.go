package batch_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice"
)

// fargateJD is a Fargate job definition; AWS fills in its platform
// version.
const fargateJD = `{"jobDefinitionName":"churn-dev-report","type":"container","platformCapabilities":["FARGATE"],
 "containerProperties":{"image":"python:3.12-slim","executionRoleArn":"arn:aws:iam::000000000000:role/x",
  "environment":[{"name":"A","value":"1"}],"networkConfiguration":{"assignPublicIp":"ENABLED"},
  "resourceRequirements":[{"type":"MEMORY","value":"1024"},{"type":"VCPU","value":"0.5"}]}}`

// TestJobDefinitionComparedByMeaning: re-applying a definition that
// differs only in form registers nothing; one that differs in meaning
// registers a revision.
func TestJobDefinitionComparedByMeaning(t *testing.T) {
	base := fmt.Sprintf(jdSpec, "train:1")
	tests := []struct {
		name     string
		base     string
		from, to string
		register bool
	}{
		{name: "environment reordered", base: base,
			from: `{"name":"MODE","value":"gpu"},{"name":"LOG_LEVEL","value":"info"}`,
			to:   `{"name":"LOG_LEVEL","value":"info"},{"name":"MODE","value":"gpu"}`},
		{name: "empty variable dropped", base: base, from: `,{"name":"EMPTY","value":""}`, to: ``},
		{name: "resource requirements reordered", base: base,
			from: `{"type":"VCPU","value":"2"},{"type":"MEMORY","value":"16384"}`,
			to:   `{"type":"MEMORY","value":"16384"},{"type":"VCPU","value":"2"}`},
		{name: "keys reordered and spaced", base: base, from: `"propagateTags":true,`, to: ` "propagateTags" : true , `},
		{name: "Fargate platform version filled in by AWS", base: fargateJD, from: `"A"`, to: `"A"`},
		{name: "Fargate platform version set to the default", base: fargateJD,
			from: `"networkConfiguration"`, to: `"fargatePlatformConfiguration":{"platformVersion":"LATEST"},"networkConfiguration"`},
		{name: "variable changed", base: base, from: `"value":"gpu"`, to: `"value":"cpu"`, register: true},
		{name: "variable added", base: base, from: `{"name":"EMPTY","value":""}`, to: `{"name":"B","value":"2"}`, register: true},
		{name: "retries changed", base: base, from: `"attempts":1`, to: `"attempts":2`, register: true},
		{name: "Fargate platform version pinned", base: fargateJD,
			from: `"networkConfiguration"`, to: `"fargatePlatformConfiguration":{"platformVersion":"1.4.0"},"networkConfiguration"`, register: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 0)
			name := "churn-dev-train_fit"
			if tt.base == fargateJD {
				name = "churn-dev-report"
			}
			jd, current := f.mustCreate(t, target(sluice.TypeJobDefinition, "x", name, tt.base))
			if !strings.Contains(tt.base, tt.from) {
				t.Fatalf("base lacks %s", tt.from)
			}
			jd.Spec = []byte(strings.Replace(tt.base, tt.from, tt.to, 1))
			n := len(f.fake.Calls())
			o, err := f.b.Update(f.ctx, jd, current)
			if err != nil {
				t.Fatal(err)
			}
			registered := slices.Contains(f.since(n), "RegisterJobDefinition")
			if registered != tt.register || (o.ARN != current.ARN) != tt.register {
				t.Fatalf("registered %v (ARN %s, was %s), want %v", registered, o.ARN, current.ARN, tt.register)
			}
		})
	}
}

// TestDeleteUnderQueueWaits: a compute environment a queue still uses is
// disabled, then its delete is refused by Batch, which is waiting, not
// failure.
func TestDeleteUnderQueueWaits(t *testing.T) {
	f := newFixture(t, 0)
	ce, _ := f.mustCreate(t, target(sluice.TypeComputeEnvironment, "cpu", "churn-dev-cpu", ceSpec))
	f.mustCreate(t, target(sluice.TypeJobQueue, "cpu", "churn-dev-cpu", jqSpec))
	wantRetry(t, f.b.Delete(f.ctx, ce, f.mustObserve(t, ce)), sluice.RetryWaiting)
	f.fake.Settle()
	n := len(f.fake.Calls())
	wantRetry(t, f.b.Delete(f.ctx, ce, f.mustObserve(t, ce)), sluice.RetryWaiting)
	if got := f.since(n); !slices.Equal(got, []string{"DeleteComputeEnvironment"}) {
		t.Fatalf("calls %v", got)
	}
	if o := f.mustObserve(t, ce); !o.Exists || o.Status != "VALID" {
		t.Fatalf("compute environment after a refused delete: %+v", o)
	}
}
