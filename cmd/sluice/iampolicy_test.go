package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sluice-dev/sluice"

	"github.com/sluice-dev/sluice/backends/aws/batch"
	"github.com/sluice-dev/sluice/backends/aws/events"
	"github.com/sluice-dev/sluice/backends/aws/logs"
	"github.com/sluice-dev/sluice/backends/aws/rds"
	"github.com/sluice-dev/sluice/backends/aws/s3"
	"github.com/sluice-dev/sluice/backends/aws/scheduler"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sqs"
	"github.com/sluice-dev/sluice/backends/aws/tagging"
	"github.com/sluice-dev/sluice/runs/ingest"
	"github.com/sluice-dev/sluice/statestore"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of cmd/sluice's tests")

// goldenCompare compares got with testdata/name, rewriting it with -update.
func goldenCompare(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update if the change is intended):\n%s", name, got)
	}
}

// trainingRepo scaffolds the training template as project churn, with
// an empty state directory.
func trainingRepo(t *testing.T) string {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "churn")
	mustRun(t, exitOK, "init", "--template", "training", "--project", "churn", dir)
	return dir
}

var trainingPolicyArgs = []string{"iam-policy", "--env", "prod", "--account", "123456789012", "--region", "eu-west-1",
	"--states-role-arn", "arn:aws:iam::123456789012:role/churn-states",
	"--scheduler-role-arn", "arn:aws:iam::123456789012:role/churn-scheduler"}

// trainingPolicy returns the policy of the training template's prod
// environment, which has a resource of every type.
func trainingPolicy(t *testing.T) (string, policyDocument) {
	t.Helper()
	out := mustRun(t, exitOK, append([]string{"--repo", trainingRepo(t)}, trainingPolicyArgs...)...)
	var doc policyDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("iam-policy output is not a policy document: %v\n%s", err, out)
	}
	return out, doc
}

func TestIAMPolicyGolden(t *testing.T) {
	out, _ := trainingPolicy(t)
	goldenCompare(t, "iam-policy.training.prod.golden.json", []byte(out))
}

// TestIAMPolicyCoversEveryClientMethod fails when a backend's client
// interface gains a method the policy does not grant, or the policy
// grants an action for a method no client has.
func TestIAMPolicyCoversEveryClientMethod(t *testing.T) {
	clients := map[string]reflect.Type{
		"batch":       reflect.TypeFor[batch.Client](),
		"events":      reflect.TypeFor[events.API](),
		"sqs":         reflect.TypeFor[sqs.API](),
		"rds":         reflect.TypeFor[rds.Client](),
		"s3":          reflect.TypeFor[s3.Client](),
		"s3objects":   reflect.TypeFor[s3.ObjectClient](),
		"scheduler":   reflect.TypeFor[scheduler.API](),
		"sfn":         reflect.TypeFor[sfn.API](),
		"sfnruns":     reflect.TypeFor[sfn.ExecutionAPI](),
		"sfnredrive":  reflect.TypeFor[sfn.RedriveAPI](),
		"ingestqueue": reflect.TypeFor[ingest.QueueAPI](),
		"ingesturl":   reflect.TypeFor[ingest.URLAPI](),
		"ingestlist":  reflect.TypeFor[ingest.ListAPI](),
		"logs":        reflect.TypeFor[logs.API](),
		"sts":         reflect.TypeFor[*sts.Client](),
		"tagging":     reflect.TypeFor[tagging.API](),
	}
	_, doc := trainingPolicy(t)
	granted := map[string]bool{}
	for _, s := range doc.Statement {
		for _, a := range s.Action {
			granted[s.Sid+" "+a] = true
		}
	}
	byMethod := map[string][]grant{}
	for _, g := range policyGrants() {
		byMethod[g.client+"."+g.method] = append(byMethod[g.client+"."+g.method], g)
		if _, ok := clients[g.client].MethodByName(g.method); !ok {
			t.Errorf("grant for %s.%s: no such client method", g.client, g.method)
		}
		if !granted[g.sid+" "+g.action] {
			t.Errorf("%s.%s: the policy has no %s in statement %s", g.client, g.method, g.action, g.sid)
		}
	}
	for name, typ := range clients {
		if typ.Kind() != reflect.Interface {
			continue
		}
		for i := range typ.NumMethod() {
			if m := name + "." + typ.Method(i).Name; len(byMethod[m]) == 0 {
				t.Errorf("client method %s maps to no IAM action", m)
			}
		}
	}
}

func TestIAMPolicyScopesResources(t *testing.T) {
	_, doc := trainingPolicy(t)
	action := regexp.MustCompile(`^[a-z0-9-]+:[A-Z][A-Za-z]+$`)
	sids := map[string]bool{}
	for _, s := range doc.Statement {
		if sids[s.Sid] || s.Effect != "Allow" || !regexp.MustCompile(`^[A-Za-z0-9]+$`).MatchString(s.Sid) {
			t.Errorf("statement %q: duplicate, not Allow, or Sid not alphanumeric", s.Sid)
		}
		sids[s.Sid] = true
		for _, a := range s.Action {
			if !action.MatchString(a) {
				t.Errorf("%s: action %q is not service:Action", s.Sid, a)
			}
		}
		for _, r := range s.Resource {
			if r == "*" && !strings.HasSuffix(s.Sid, "Any") {
				t.Errorf("%s: grants on * but its actions take resources", s.Sid)
			}
			if r != "*" && strings.Contains(r, ":*:") {
				t.Errorf("%s: %s has a wildcard region or account though both were given", s.Sid, r)
			}
		}
		isPass := strings.HasPrefix(s.Sid, "PassRoleTo")
		if isPass != (s.Condition["StringEquals"]["iam:PassedToService"] != "") {
			t.Errorf("%s: a PassRole statement needs an iam:PassedToService condition, others none: %v", s.Sid, s.Condition)
		}
		for _, a := range s.Action {
			if strings.HasPrefix(a, "iam:") && len(s.Condition) == 0 {
				t.Errorf("%s: %s without a condition", s.Sid, a)
			}
		}
	}
	for _, want := range []string{"PassRoleToStates", "PassRoleToScheduler", "PassRoleToEcsTasks", "PassRoleToEc2", "StatesStateMachines", "SchedulerSchedules", "S3Buckets", "RDSInstances", "BatchJobQueues", "SQSEventQueues", "EventsRules"} {
		if !sids[want] {
			t.Errorf("no %s statement", want)
		}
	}
}

func TestIAMPolicyWildcardsAndRefusals(t *testing.T) {
	dir := trainingRepo(t)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no account or region", []string{"--env", "dev", "--states-role-arn", "arn:aws:iam::1:role/s", "--partition", "aws-cn"}, exitOK,
			`"arn:aws-cn:states:*:*:stateMachine:churn-dev-training"`},
		{"missing states role", []string{"--env", "dev", "--states-role-arn", ""}, exitUsage, "--states-role-arn"},
		{"unknown format", []string{"--env", "dev", "--format", "xml"}, exitUsage, `unknown output format "xml"`},
		{"unknown environment", []string{"--env", "nope"}, exitUsage, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SLUICE_STATES_ROLE_ARN", "")
			code, out, errOut := runCLI(t, append([]string{"--repo", dir, "iam-policy"}, tc.args...)...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d, want %d and %q in:\n%s%s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
}

// TestIAMPolicyGrantsTheInventory checks that resources of the state
// file gone from the documents can still be deleted (pruned): their ARNs
// are granted, a schedule's in its recorded group; another
// environment's are not.
func TestIAMPolicyGrantsTheInventory(t *testing.T) {
	dir := trainingRepo(t)
	state := filepath.Join(t.TempDir(), "state.db")
	store, err := statestore.Open(state, statestore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(func(tx *statestore.Tx) error {
		for env, r := range map[string]statestore.Record{
			"prod": {ID: "Bucket/old", Type: sluice.TypeBucket, Name: "churn-prod-old", Spec: json.RawMessage(`{"replication":{"Role":"arn:aws:iam::123456789012:role/old"}}`)},
			"dev":  {ID: "Bucket/other", Type: sluice.TypeBucket, Name: "churn-dev-other"},
		} {
			if err := tx.PutResource(env, r); err != nil {
				return err
			}
		}
		return tx.PutResource("prod", statestore.Record{ID: "Schedule/old", Type: sluice.TypeSchedule, Name: "churn-prod-old",
			ARN: "arn:aws:scheduler:eu-west-1:123456789012:schedule/nightly/churn-prod-old"})
	})
	if err := errors.Join(err, store.Close()); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, exitOK, append([]string{"--repo", dir}, append(trainingPolicyArgs, "--state", state)...)...)
	var doc policyDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	resources := map[string]string{}
	for _, s := range doc.Statement {
		for _, r := range s.Resource {
			resources[r] += s.Sid + " "
		}
	}
	tests := []struct {
		arn, sid string
		want     bool
	}{
		{"arn:aws:s3:::churn-prod-old", "S3Buckets", true},
		{"arn:aws:scheduler:eu-west-1:123456789012:schedule/nightly/churn-prod-old", "SchedulerSchedules", true},
		{"arn:aws:s3:::churn-dev-other", "S3Buckets", false},
		{"arn:aws:iam::123456789012:role/old", "PassRoleToS3", false},
	}
	for _, tc := range tests {
		if got := strings.Contains(resources[tc.arn], tc.sid+" "); got != tc.want {
			t.Errorf("%s in %s: %v, want %v (in %q)", tc.arn, tc.sid, got, tc.want, resources[tc.arn])
		}
	}
}
