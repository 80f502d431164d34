package sfn_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/reconcile"
)

const (
	region  = "us-east-1"
	account = "000000000000"
	role    = "arn:aws:iam::000000000000:role/sluice-states"
)

// client returns a Step Functions client for endpoint whose calls are
// counted by the returned Counter.
func client(t *testing.T, endpoint string) (*awssfn.Client, *awsapi.Counter) {
	t.Helper()
	var c awsapi.Counter
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	cfg, err := awsapi.LoadConfig(context.Background(), awsapi.Target{Region: region, Endpoint: endpoint},
		awsapi.WithRecorder(&c), awsapi.WithMaxAttempts(2),
		awsapi.WithBackoff(retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })),
		awsapi.WithLoadOptions(config.WithCredentialsProvider(creds)))
	if err != nil {
		t.Fatal(err)
	}
	return awssfn.NewFromConfig(cfg), &c
}

// target builds a StateMachine target of project churn, environment dev.
func target(name, def string, extra map[string]string) sluice.Target {
	spec, _ := json.Marshal(map[string]any{
		"name": name, "type": "STANDARD", "roleArn": role, "definition": json.RawMessage(def),
	})
	id := sluice.ResourceID("StateMachine/" + name)
	tags := map[string]string{
		sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: "churn",
		sluice.TagEnvironment: "dev", sluice.TagResource: string(id), sluice.TagSpecHash: "h1",
	}
	maps.Copy(tags, extra)
	return sluice.Target{Resource: sluice.Resource{ID: id, Type: sluice.TypeStateMachine, Name: name,
		Deletion: sluice.DeletionDelete, Tags: tags, Spec: spec}}
}

// withSpec returns t with its spec's field key set to value.
func withSpec(t sluice.Target, key string, value any) sluice.Target {
	m := map[string]any{}
	_ = json.Unmarshal(t.Spec, &m)
	m[key] = value
	t.Spec, _ = json.Marshal(m)
	t.Tags = maps.Clone(t.Tags)
	return t
}

const (
	passDef   = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	twoDef    = `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}`
	brokenDef = `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}`
)

func newBackend(api sfn.API, validate bool) *sfn.Backend {
	return sfn.New(api, sfn.Options{Region: region, Account: account, Validate: validate})
}

// decision returns err's retry decision, or -1 for no error.
func decision(err error) sluice.Retry {
	if err == nil {
		return -1
	}
	d, _ := sluice.RetryOf(err)
	return d
}

// assertSpec fails unless the observation's spec means the same as t's.
func assertSpec(t *testing.T, obs sluice.Observation, want sluice.Target) {
	t.Helper()
	if !reconcile.SameJSON(obs.Spec, want.Spec) {
		t.Errorf("observed spec\n%s\nwant\n%s", obs.Spec, want.Spec)
	}
}

// goldenStateMachine returns the first StateMachine of a compiler golden
// file with every placeholder resolved.
func goldenStateMachine(t *testing.T, file string) sluice.Target {
	t.Helper()
	raw, err := os.ReadFile("../../../compile/testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var resources []sluice.Resource
	if err := json.Unmarshal(raw, &resources); err != nil {
		t.Fatal(err)
	}
	for _, r := range resources {
		if r.Type != sluice.TypeStateMachine {
			continue
		}
		vars := map[string]string{}
		for _, p := range regexp.MustCompile(`\$\{[^}]+\}`).FindAllString(string(r.Spec), -1) {
			vars[p] = placeholderValue(p)
		}
		if r.Spec, err = reconcile.Resolve(r.Spec, vars); err != nil {
			t.Fatal(err)
		}
		return sluice.Target{Resource: r}
	}
	t.Fatalf("%s has no state machine", file)
	return sluice.Target{}
}

func placeholderValue(p string) string {
	switch p {
	case "${aws.region}":
		return region
	case "${aws.accountId}":
		return account
	case "${aws.partition}":
		return "aws"
	case "${target.stepFunctionsRoleArn}":
		return role
	}
	name := strings.TrimSuffix(strings.TrimPrefix(p, "${"), ".arn}")
	return "arn:aws:batch:us-east-1:000000000000:" + strings.ToLower(strings.ReplaceAll(name, "/", "/x-"))
}

func sfnTag(k, v string) sfntypes.Tag { return sfntypes.Tag{Key: aws.String(k), Value: aws.String(v)} }
