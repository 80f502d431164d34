package local_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/local"
	"github.com/sluice-dev/sluice/reconcile"
)

const (
	projectName = "churn"
	env         = "dev"
)

// mustWorld opens a World on a fresh data directory.
func mustWorld(tb testing.TB, opts local.Options) *local.World {
	tb.Helper()
	w, err := local.New(tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

// target builds a desired resource of typ named name with Sluice's
// ownership tags for project/env (or for owner's project when given).
func target(typ sluice.ResourceType, logical, name, spec string, owner ...string) sluice.Target {
	p := projectName
	if len(owner) > 0 {
		p = owner[0]
	}
	id := sluice.ResourceID(string(typ) + "/" + logical)
	tags := map[string]string{
		sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: p, sluice.TagEnvironment: env,
		sluice.TagResource: string(id), "team": "ml",
	}
	return sluice.Target{Resource: sluice.Resource{ID: id, Type: typ, Name: name, Tags: tags, Spec: json.RawMessage(spec)}}
}

// backend returns w's backend for typ.
func backend(tb testing.TB, w *local.World, typ sluice.ResourceType) reconcile.Backend {
	tb.Helper()
	b, ok := w.Backends()[typ]
	if !ok {
		tb.Fatalf("no backend for %s", typ)
	}
	return b
}

// mustCreate creates t and fails the test on error.
func mustCreate(tb testing.TB, b reconcile.Backend, t sluice.Target) sluice.Observation {
	tb.Helper()
	obs, err := b.Create(tb.Context(), t)
	if err != nil {
		tb.Fatalf("create %s: %v", t.ID, err)
	}
	return obs
}

// mustObserve observes t and fails the test on error.
func mustObserve(tb testing.TB, b reconcile.Backend, t sluice.Target) sluice.Observation {
	tb.Helper()
	obs, err := b.Observe(tb.Context(), t)
	if err != nil {
		tb.Fatalf("observe %s: %v", t.ID, err)
	}
	return obs
}

// wantRetry fails the test unless err carries decision.
func wantRetry(tb testing.TB, err error, decision sluice.Retry) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("got no error, want a %s one", decision)
	}
	var re *sluice.RetryError
	if !errors.As(err, &re) || re.Decision != decision {
		tb.Fatalf("error %v: want decision %s", err, decision)
	}
}

const (
	ceSpec      = `{"computeEnvironmentName":"churn-dev-cpu","computeResources":{"maxvCpus":2,"type":"EC2","instanceTypes":["m6i.large"]},"state":"ENABLED","type":"MANAGED"}`
	ceSpec2     = `{"computeEnvironmentName":"churn-dev-cpu","computeResources":{"maxvCpus":4,"type":"EC2","instanceTypes":["m6i.large"]},"state":"ENABLED","type":"MANAGED"}`
	jqSpec      = `{"computeEnvironmentOrder":[{"computeEnvironment":"churn-dev-cpu","order":1}],"jobQueueName":"churn-dev-cpu","priority":10,"state":"ENABLED"}`
	jqSpec2     = `{"computeEnvironmentOrder":[{"computeEnvironment":"churn-dev-cpu","order":1}],"jobQueueName":"churn-dev-cpu","priority":5,"state":"ENABLED"}`
	smSpec      = `{"definition":{"StartAt":"a","States":{"a":{"Type":"Succeed"}}},"name":"churn-dev-train","roleArn":"arn:aws:iam::000000000000:role/x","type":"STANDARD"}`
	smSpec2     = `{"definition":{"StartAt":"b","States":{"b":{"Type":"Pass","End":true}}},"name":"churn-dev-train","roleArn":"arn:aws:iam::000000000000:role/x","type":"STANDARD"}`
	smExpress   = `{"definition":{"StartAt":"a","States":{"a":{"Type":"Succeed"}}},"name":"churn-dev-train","roleArn":"arn:aws:iam::000000000000:role/x","type":"EXPRESS"}`
	schedSpec   = `{"Name":"churn-dev-nightly","ScheduleExpression":"cron(0 3 * * ? *)","State":"ENABLED","FlexibleTimeWindow":{"Mode":"OFF"},"Target":{"Arn":"arn:aws:states:local:000000000000:stateMachine:churn-dev-train","RoleArn":"r"}}`
	schedOff    = `{"Name":"churn-dev-nightly","ScheduleExpression":"cron(0 3 * * ? *)","State":"DISABLED","FlexibleTimeWindow":{"Mode":"OFF"},"Target":{"Arn":"arn:aws:states:local:000000000000:stateMachine:churn-dev-train","RoleArn":"r"}}`
	bucketSpec  = `{"Bucket":"churn-dev-artifacts","versioning":{"Status":"Enabled"}}`
	bucketSpec2 = `{"Bucket":"churn-dev-artifacts","versioning":{"Status":"Suspended"}}`
)

// jobDefSpec is a job definition running command with vcpus vCPUs.
func jobDefSpec(command []string, vcpus string, env map[string]string) string {
	var vars []map[string]string
	for k, v := range env {
		vars = append(vars, map[string]string{"name": k, "value": v})
	}
	spec := map[string]any{
		"jobDefinitionName": "churn-dev-step", "type": "container", "platformCapabilities": []string{"EC2"},
		"containerProperties": map[string]any{
			"image": "python:3.12-slim", "command": command, "environment": vars,
			"resourceRequirements": []map[string]string{{"type": "VCPU", "value": vcpus}, {"type": "MEMORY", "value": "512"}},
		},
	}
	b, _ := json.Marshal(spec)
	return string(b)
}
