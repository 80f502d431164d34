package sfn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awssfn "github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/backends/aws/awsapi"
	"github.com/sluice-dev/sluice/backends/aws/sfn"
	"github.com/sluice-dev/sluice/backends/aws/sfn/sfnfake"
)

const batchTask = `{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync"`

// pipelineDef runs prepare, then fit over the items of train, then report
// beside a Pass in a Parallel, then a Choice to the end.
var pipelineDef = `{"StartAt":"prepare","States":{
 "prepare":` + batchTask + `,"Next":"train"},
 "train":{"Type":"Map","ItemProcessor":{"StartAt":"fit","States":{"fit":` + batchTask + `,"End":true}}},"Next":"split"},
 "split":{"Type":"Parallel","Branches":[
   {"StartAt":"report","States":{"report":` + batchTask + `,"End":true}}},
   {"StartAt":"publish","States":{"publish":{"Type":"Pass","End":true}}}],"Next":"gate"},
 "gate":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"done"}],"Default":"done"},
 "done":{"Type":"Succeed"}}}`

// runner starts the fake, creates a state machine of def on it, and
// returns Executions on it, the state machine's ARN and the fake.
func runner(t *testing.T, def string) (*sfn.Executions, string, *sfnfake.Server, *awsapi.Counter) {
	t.Helper()
	srv := sfnfake.Start(region, account)
	t.Cleanup(srv.Close)
	api, c := client(t, srv.URL)
	return sfn.NewExecutions(api), createMachine(t, api, "churn-dev-train", def), srv, c
}

func createMachine(t testing.TB, api *awssfn.Client, name, def string) string {
	t.Helper()
	out, err := api.CreateStateMachine(context.Background(), &awssfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(def), RoleArn: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.StateMachineArn)
}

// job is a Batch job description as a .sync task returns it.
func job(stream string) string {
	return fmt.Sprintf(`{"JobName":"j","Status":"SUCCEEDED","Container":{"LogStreamName":%q}}`, stream)
}

func logARN(stream string) string {
	return "arn:aws:logs:us-east-1:000000000000:log-group:/aws/batch/job:log-stream:" + stream
}

// step is what a test checks of a StepRun.
type step struct {
	path, status string
	attempt      int
	err, log     string
	cause        string
}

func steps(e sluice.Execution) []step {
	var out []step
	for _, s := range e.Steps {
		out = append(out, step{path: s.Path, status: s.Status, attempt: s.Attempt, err: s.Error, log: s.Log, cause: s.Cause})
	}
	return out
}

func assertSteps(t *testing.T, e sluice.Execution, want []step) {
	t.Helper()
	got := steps(e)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("steps\n%v\nwant\n%v", got, want)
	}
	for _, s := range e.Steps {
		if s.Started.IsZero() || (s.Status != sluice.ExecutionRunning && s.Stopped.Before(s.Started)) {
			t.Errorf("step %s started %v, stopped %v", s.Path, s.Started, s.Stopped)
		}
	}
}

func TestExecutionRunsToSuccess(t *testing.T) {
	x, arn, srv, _ := runner(t, pipelineDef)
	ctx := context.Background()
	srv.ScriptExecution("run-1", sfnfake.Outcome{
		Tasks: map[string][]sfnfake.Attempt{
			"prepare": {{Output: job("prep/default/a1")}},
			"fit":     {{Error: "Batch.AWSBatchException", Cause: "throttled"}, {Output: job("fit/default/f1")}},
		},
		Output: `{"model":"m1"}`,
	})
	id, err := x.StartExecution(ctx, arn, "run-1", json.RawMessage(`{"parameters":{"lr":0.1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if id != "arn:aws:states:us-east-1:000000000000:execution:churn-dev-train:run-1" {
		t.Errorf("execution ARN = %s", id)
	}
	for poll := 1; poll <= 2; poll++ {
		e, err := x.DescribeExecution(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != sluice.ExecutionRunning || e.Done() || !e.Stopped.IsZero() || e.Output != nil {
			t.Fatalf("poll %d: %+v, want RUNNING", poll, e)
		}
		assertSteps(t, e, []step{{path: "prepare", status: "RUNNING", attempt: 1}})
	}
	e, err := x.DescribeExecution(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if e.Status != sluice.ExecutionSucceeded || !e.Done() || e.ID != id || e.Name != "run-1" || e.StateMachine != arn ||
		string(e.Output) != `{"model":"m1"}` || string(e.Input) != `{"parameters":{"lr":0.1}}` || e.Stopped.Before(e.Started) {
		t.Fatalf("ended as %+v", e)
	}
	assertSteps(t, e, []step{
		{path: "prepare", status: "SUCCEEDED", attempt: 1, log: logARN("prep/default/a1")},
		{path: "train/0/fit", status: "FAILED", attempt: 1, err: "Batch.AWSBatchException", cause: "throttled"},
		{path: "train/1/fit", status: "FAILED", attempt: 1, err: "Batch.AWSBatchException", cause: "throttled"},
		{path: "train/0/fit", status: "SUCCEEDED", attempt: 2, log: logARN("fit/default/f1")},
		{path: "train/1/fit", status: "SUCCEEDED", attempt: 2, log: logARN("fit/default/f1")},
		{path: "split/report", status: "SUCCEEDED", attempt: 1},
	})
}

func TestExecutionFails(t *testing.T) {
	failedJob := `{"JobName":"j","Status":"FAILED","StatusReason":"Essential container in task exited",` +
		`"Container":{"ExitCode":1,"LogStreamName":"fit/default/bad",` +
		`"LogConfiguration":{"LogDriver":"awslogs","Options":{"awslogs-group":"/sluice/churn"}}}}`
	tests := []struct {
		name       string
		def        string
		outcome    sfnfake.Outcome
		err, cause string
		steps      []step
	}{
		{name: "a Batch job fails inside a foreach", def: pipelineDef,
			outcome: sfnfake.Outcome{Items: map[string]int{"train": 1},
				Tasks: map[string][]sfnfake.Attempt{"fit": {{Error: "States.TaskFailed", Cause: failedJob}}}},
			err: "States.TaskFailed", cause: failedJob,
			steps: []step{{path: "prepare", status: "SUCCEEDED", attempt: 1},
				{path: "train/0/fit", status: "FAILED", attempt: 1, err: "States.TaskFailed", cause: failedJob,
					log: "arn:aws:logs:us-east-1:000000000000:log-group:/sluice/churn:log-stream:fit/default/bad"}}},
		{name: "a step times out after a retry", def: `{"StartAt":"slow","States":{"slow":` + batchTask + `,"End":true}}}`,
			outcome: sfnfake.Outcome{Tasks: map[string][]sfnfake.Attempt{"slow": {
				{Error: "States.TaskFailed", Cause: "exit 1"}, {Error: "States.Timeout", Cause: "took over 3600 s"}}}},
			err: "States.Timeout", cause: "took over 3600 s",
			steps: []step{{path: "slow", status: "FAILED", attempt: 1, err: "States.TaskFailed", cause: "exit 1"},
				{path: "slow", status: "FAILED", attempt: 2, err: "States.Timeout", cause: "took over 3600 s"}}},
		{name: "a Fail state after a step", def: `{"StartAt":"check","States":{"check":` + batchTask + `,"Next":"stop"},` +
			`"stop":{"Type":"Fail","Error":"Sluice.QualityGate","Cause":"accuracy 0.61 < 0.8"}}}`,
			err: "Sluice.QualityGate", cause: "accuracy 0.61 < 0.8",
			steps: []step{{path: "check", status: "SUCCEEDED", attempt: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, arn, srv, _ := runner(t, tt.def)
			srv.ExecutionPolls = 0
			srv.ScriptExecution("run-2", tt.outcome)
			id, err := x.StartExecution(context.Background(), arn, "run-2", nil)
			if err != nil {
				t.Fatal(err)
			}
			e, err := x.DescribeExecution(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			if e.Status != sluice.ExecutionFailed || e.Error != tt.err || e.Cause != tt.cause || e.Output != nil {
				t.Fatalf("ended as %+v, want FAILED with %s: %s", e, tt.err, tt.cause)
			}
			assertSteps(t, e, tt.steps)
		})
	}
}

func TestStepPaths(t *testing.T) {
	inner := `{"Type":"Map","ItemProcessor":{"StartAt":"fit","States":{"fit":` + batchTask + `,"End":true}}}}`
	tests := []struct {
		name  string
		def   string
		items map[string]int
		want  []string
	}{
		{name: "foreach in foreach", items: map[string]int{"outer": 2, "inner": 2},
			def: `{"StartAt":"outer","States":{"outer":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"inner",` +
				`"States":{"inner":` + strings.TrimSuffix(inner, "}") + `,"End":true}}}}}}`,
			want: []string{"outer/0/inner/0/fit", "outer/0/inner/1/fit", "outer/1/inner/0/fit", "outer/1/inner/1/fit"}},
		{name: "split in foreach", items: map[string]int{"grid": 2},
			def: `{"StartAt":"grid","States":{"grid":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"both","States":{` +
				`"both":{"Type":"Parallel","Next":"join","Branches":[{"StartAt":"a","States":{"a":` + batchTask + `,"End":true}}},` +
				`{"StartAt":"b","States":{"b":` + batchTask + `,"End":true}}}]},"join":` + batchTask + `,"End":true}}}}}}`,
			want: []string{"grid/0/both/a", "grid/0/both/b", "grid/0/join", "grid/1/both/a", "grid/1/both/b", "grid/1/join"}},
		{name: "foreach after a foreach", items: map[string]int{"m1": 1, "m2": 1},
			def: `{"StartAt":"m1","States":{"m1":` + strings.TrimSuffix(inner, "}") + `,"Next":"m2"},"m2":` +
				strings.TrimSuffix(inner, "}") + `,"Next":"last"},"last":` + batchTask + `,"End":true}}}`,
			want: []string{"last", "m1/0/fit", "m2/0/fit"}},
		{name: "distributed foreach runs in child executions", items: map[string]int{"dist": 3},
			def: `{"StartAt":"dist","States":{"dist":{"Type":"Map","Next":"after","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},` +
				`"StartAt":"fit","States":{"fit":` + batchTask + `,"End":true}}}},"after":` + batchTask + `,"End":true}}}`,
			want: []string{"after"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, arn, srv, _ := runner(t, tt.def)
			srv.ExecutionPolls = 0
			srv.ScriptExecution("run", sfnfake.Outcome{Items: tt.items})
			e := startAndDescribe(t, x, arn, "run")
			var got []string
			for _, s := range e.Steps {
				if s.Status != sluice.ExecutionSucceeded {
					t.Errorf("step %s is %s", s.Path, s.Status)
				}
				got = append(got, s.Path)
			}
			if strings.Join(slices.Sorted(slices.Values(got)), " ") != strings.Join(tt.want, " ") {
				t.Errorf("paths %v, want %v", got, tt.want)
			}
		})
	}
}

func startAndDescribe(t *testing.T, x *sfn.Executions, arn, name string) sluice.Execution {
	t.Helper()
	id, err := x.StartExecution(context.Background(), arn, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := x.DescribeExecution(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
