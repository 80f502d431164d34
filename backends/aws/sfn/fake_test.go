package sfn_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
	"github.com/sluice-dev/sluice/reconcile"
)

// fake starts the Step Functions fake and a backend on it.
func fake(t *testing.T, validate bool) (*sfn.Backend, *awssfn.Client, *awsapi.Counter, *sfnfake.Server) {
	t.Helper()
	srv := sfnfake.Start(region, account)
	t.Cleanup(srv.Close)
	api, c := client(t, srv.URL)
	return newBackend(api, validate), api, c, srv
}

// created creates t through b and fails the test on error.
func created(t *testing.T, b *sfn.Backend, tgt sluice.Target) sluice.Observation {
	t.Helper()
	obs, err := b.Create(context.Background(), tgt)
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func TestUpdate(t *testing.T) {
	base := target("churn-dev-etl", passDef, map[string]string{"team": "ml", "old": "x"})
	tests := []struct {
		name      string
		desired   func() sluice.Target
		wantCalls map[string]int // mutating calls Update makes
	}{
		{name: "nothing differs", desired: func() sluice.Target { return base }, wantCalls: map[string]int{}},
		{name: "definition and tags", desired: func() sluice.Target {
			d := withSpec(base, "definition", jsonRaw(twoDef))
			d.Tags[sluice.TagSpecHash] = "h2"
			delete(d.Tags, "old")
			return d
		}, wantCalls: map[string]int{"UpdateStateMachine": 1, "UntagResource": 1, "TagResource": 1}},
		{name: "role only", desired: func() sluice.Target {
			return withSpec(base, "roleArn", "arn:aws:iam::000000000000:role/other")
		}, wantCalls: map[string]int{"UpdateStateMachine": 1}},
		{name: "logging and tracing", desired: func() sluice.Target {
			d := withSpec(base, "tracingConfiguration", map[string]any{"enabled": true})
			return withSpec(d, "loggingConfiguration", map[string]any{"level": "ERROR", "includeExecutionData": false,
				"destinations": []any{map[string]any{"cloudWatchLogsLogGroup": map[string]any{"logGroupArn": "arn:aws:logs:us-east-1:000000000000:log-group:l:*"}}}})
		}, wantCalls: map[string]int{"UpdateStateMachine": 1}},
		{name: "definition reformatted", desired: func() sluice.Target {
			return withSpec(base, "definition", jsonRaw(`{ "States": {"A": {"End": true, "Type": "Pass"}}, "StartAt": "A" }`))
		}, wantCalls: map[string]int{}},
		{name: "definition as a string, same meaning", desired: func() sluice.Target {
			return withSpec(base, "definition", `{ "States": {"A": {"End": true, "Type": "Pass"}}, "StartAt": "A" }`)
		}, wantCalls: map[string]int{}},
		{name: "definition as a string, new meaning", desired: func() sluice.Target {
			return withSpec(base, "definition", twoDef)
		}, wantCalls: map[string]int{"UpdateStateMachine": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _, c, _ := fake(t, true)
			ctx := context.Background()
			created(t, b, base)
			desired := tt.desired()
			current, err := b.Observe(ctx, desired)
			if err != nil {
				t.Fatal(err)
			}
			c.Reset()
			if _, err := b.Update(ctx, desired, current); err != nil {
				t.Fatal(err)
			}
			assertMutations(t, c, tt.wantCalls)
			after, err := b.Observe(ctx, desired)
			if err != nil {
				t.Fatal(err)
			}
			assertSpec(t, after, desired)
			if !mapsEqual(after.Tags, desired.Tags) {
				t.Errorf("tags after update = %v, want %v", after.Tags, desired.Tags)
			}
		})
	}
}

func jsonRaw(s string) any { return rawJSON(s) }

type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// assertMutations fails unless the counter saw exactly the mutating
// calls want lists.
func assertMutations(t *testing.T, c *awsapi.Counter, want map[string]int) {
	t.Helper()
	got := map[string]int{}
	for k, n := range c.Snapshot() {
		if awsapi.IsMutation(k.Operation) && k.Result != awsapi.RetryResult {
			got[k.Operation] += n
		}
	}
	if len(got) != len(want) {
		t.Errorf("mutating calls = %v, want %v", got, want)
		return
	}
	for op, n := range want {
		if got[op] != n {
			t.Errorf("mutating calls = %v, want %v", got, want)
			return
		}
	}
}

func TestUpdateTypeOrNameChangeNeedsReplacement(t *testing.T) {
	base := target("churn-dev-etl", passDef, nil)
	tests := map[string]sluice.Target{
		"type": withSpec(base, "type", "EXPRESS"),
		"name": withSpec(base, "name", "churn-dev-etl2"),
	}
	for name, desired := range tests {
		t.Run(name, func(t *testing.T) {
			b, _, c, _ := fake(t, false)
			obs := created(t, b, base)
			desired.ARN = obs.ARN
			current, err := b.Observe(context.Background(), desired)
			if err != nil {
				t.Fatal(err)
			}
			c.Reset()
			_, err = b.Update(context.Background(), desired, current)
			if !errors.Is(err, reconcile.ErrReplace) {
				t.Fatalf("Update = %v, want ErrReplace", err)
			}
			if n := c.Mutations(); n != 0 {
				t.Errorf("%d mutating calls before ErrReplace", n)
			}
		})
	}
}

func TestAWSTagsAreNeitherObservedNorTouched(t *testing.T) {
	b, _, _, srv := fake(t, false)
	ctx := context.Background()
	base := target("churn-dev-etl", passDef, nil)
	obs := created(t, b, base)
	srv.SetTag(obs.ARN, "aws:cloudformation:stack-name", "other")
	current, err := b.Observe(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := current.Tags["aws:cloudformation:stack-name"]; ok {
		t.Fatalf("observed tags include an aws: key: %v", current.Tags)
	}
	desired := withSpec(base, "roleArn", "arn:aws:iam::000000000000:role/other")
	desired.Tags[sluice.TagSpecHash] = "h2"
	// The fake refuses any Untag/Tag of an aws: key, so this fails if
	// Update touches it.
	if _, err := b.Update(ctx, desired, current); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteWaitsThroughDeleting(t *testing.T) {
	b, _, _, _ := fake(t, false)
	ctx := context.Background()
	tgt := target("churn-dev-etl", passDef, nil)
	obs := created(t, b, tgt)
	tgt.ARN = obs.ARN
	// DeletingPolls is 2: Delete's own look consumes one.
	if err := b.Delete(ctx, tgt, obs); decision(err) != sluice.RetryWaiting {
		t.Fatalf("Delete = %v, want waiting", err)
	}
	deleting, err := b.Observe(ctx, tgt)
	if err != nil {
		t.Fatal(err)
	}
	if !deleting.Exists || !deleting.InProgress || deleting.Status != "DELETING" {
		t.Fatalf("observed %+v, want DELETING in progress", deleting)
	}
	if _, err := b.Create(ctx, tgt); decision(err) != sluice.RetryWaiting {
		t.Errorf("Create while the name is being deleted = %v, want waiting", err)
	}
	if _, err := b.Update(ctx, tgt, deleting); decision(err) != sluice.RetryWaiting {
		t.Errorf("Update while deleting = %v, want waiting", err)
	}
	if err := b.Delete(ctx, tgt, deleting); err != nil {
		t.Fatalf("Delete once gone = %v, want nil", err)
	}
	gone, err := b.Observe(ctx, tgt)
	if err != nil || gone.Exists {
		t.Fatalf("Observe after delete = %+v, %v; want not existing", gone, err)
	}
	if err := b.Delete(ctx, tgt, deleting); err != nil {
		t.Errorf("Delete of what is gone = %v, want nil", err)
	}
}

func TestCreateRefusesWhatItDoesNotOwn(t *testing.T) {
	tests := []struct {
		name    string
		foreign func(api *awssfn.Client) error
		want    sluice.Retry
	}{
		{name: "same name, other definition, no tags", want: sluice.RetryStalled, foreign: func(api *awssfn.Client) error {
			return createRaw(api, twoDef, nil)
		}},
		{name: "same name and definition, no tags (idempotent create)", want: sluice.RetryStalled, foreign: func(api *awssfn.Client) error {
			return createRaw(api, passDef, nil)
		}},
		{name: "other project's tags", want: sluice.RetryStalled, foreign: func(api *awssfn.Client) error {
			return createRaw(api, passDef, target("churn-dev-etl", passDef, map[string]string{sluice.TagProject: "other"}).Tags)
		}},
		{name: "own, left by an interrupted apply, other definition", want: -1, foreign: func(api *awssfn.Client) error {
			return createRaw(api, twoDef, target("churn-dev-etl", passDef, nil).Tags)
		}},
		{name: "own, identical", want: -1, foreign: func(api *awssfn.Client) error {
			return createRaw(api, passDef, target("churn-dev-etl", passDef, nil).Tags)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, api, _, _ := fake(t, false)
			if err := tt.foreign(api); err != nil {
				t.Fatal(err)
			}
			obs, err := b.Create(context.Background(), target("churn-dev-etl", passDef, nil))
			if got := decision(err); got != tt.want {
				t.Fatalf("Create = %+v, %v; want decision %v", obs, err, tt.want)
			}
			if err == nil && obs.ARN != "arn:aws:states:us-east-1:000000000000:stateMachine:churn-dev-etl" {
				t.Errorf("ARN = %q", obs.ARN)
			}
		})
	}
}

// createRaw creates the state machine churn-dev-etl directly.
func createRaw(api *awssfn.Client, def string, tags map[string]string) error {
	in := &awssfn.CreateStateMachineInput{Name: aws.String("churn-dev-etl"), Definition: aws.String(def), RoleArn: aws.String(role)}
	for k, v := range tags {
		in.Tags = append(in.Tags, sfnTag(k, v))
	}
	_, err := api.CreateStateMachine(context.Background(), in)
	return err
}

func TestInvalidDefinitionIsStalledBeforeAnyMutation(t *testing.T) {
	b, _, c, _ := fake(t, true)
	ctx := context.Background()
	if _, err := b.Create(ctx, target("churn-dev-bad", brokenDef, nil)); decision(err) != sluice.RetryStalled {
		t.Fatalf("Create = %v, want stalled", err)
	}
	good := target("churn-dev-etl", passDef, nil)
	obs := created(t, b, good)
	c.Reset()
	bad := withSpec(good, "definition", jsonRaw(brokenDef))
	if _, err := b.Update(ctx, bad, obs); decision(err) != sluice.RetryStalled {
		t.Fatalf("Update = %v, want stalled", err)
	}
	if n := c.Mutations(); n != 0 {
		t.Errorf("%d mutating calls for an invalid definition", n)
	}
}
