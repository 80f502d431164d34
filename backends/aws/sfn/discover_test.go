package sfn_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/internal/kumotest"
)

const discoverDef = `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`

// TestDiscover runs against the fake and against kumo: only the state
// machines tagged for project churn, environment dev are found.
func TestDiscover(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		b, api, _, _ := fake(t, false)
		checkDiscover(t, b, api)
	})
	t.Run("Kumo", func(t *testing.T) {
		srv := kumotest.Start(t)
		api, _ := client(t, srv.URL)
		checkDiscover(t, newBackend(api, false), api)
	})
}

func checkDiscover(t *testing.T, b *sfn.Backend, api *awssfn.Client) {
	t.Helper()
	ctx := context.Background()
	var want []string
	for _, name := range []string{"churn-dev-a", "churn-dev-b", "churn-dev-c"} {
		want = append(want, created(t, b, target(name, discoverDef, nil)).ARN)
	}
	for name, tags := range map[string]map[string]string{
		"churn-prod-a": ownership("churn", "prod"),
		"other-dev-a":  ownership("other", "dev"),
		"untagged":     nil,
		"not-sluice":   {sluice.TagProject: "churn", sluice.TagEnvironment: "dev", sluice.TagResource: "StateMachine/x"},
	} {
		in := &awssfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(discoverDef), RoleArn: aws.String(role)}
		for k, v := range tags {
			in.Tags = append(in.Tags, sfnTag(k, v))
		}
		if _, err := api.CreateStateMachine(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	found, err := b.Discover(ctx, "churn", "dev")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range found {
		if !o.Exists || o.Tags[sluice.TagSpecHash] != "h1" {
			t.Errorf("found %+v: want it existing, with its spec-hash tag", o)
		}
		got = append(got, o.ARN)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("discovered %v, want %v", got, want)
	}
}

// ownership returns Sluice's ownership tags for project and env.
func ownership(project, env string) map[string]string {
	return map[string]string{sluice.TagManagedBy: sluice.ManagedByValue, sluice.TagProject: project,
		sluice.TagEnvironment: env, sluice.TagResource: "StateMachine/a", sluice.TagSpecHash: "h1"}
}
