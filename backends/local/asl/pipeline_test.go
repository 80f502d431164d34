package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// pipeline is a TaskRunner standing in for Batch and S3 as compiled
// pipelines use them: it records each Batch job's environment, answers
// aws-sdk:s3:getObject from objects, and fails the steps named in fail.
type pipeline struct {
	mu      sync.Mutex
	jobs    []job
	objects map[string]string // bucket/key → body
	fail    map[string]string // step → error name
	// flaky fails the first reads of an object (bucket/key → how many)
	// with S3.S3Exception; reads counts every read.
	flaky map[string]int
	reads map[string]int
}

type job struct {
	path string
	env  map[string]string
}

func (p *pipeline) RunTask(ctx context.Context, t asl.Task) (json.RawMessage, error) {
	if t.Resource == "arn:aws:states:::aws-sdk:s3:getObject" {
		return p.getObject(t.Parameters)
	}
	var params struct {
		ContainerOverrides struct {
			Environment []struct{ Name, Value string }
		}
	}
	if err := json.Unmarshal(t.Parameters, &params); err != nil {
		return nil, err
	}
	env := map[string]string{}
	for _, e := range params.ContainerOverrides.Environment {
		env[e.Name] = e.Value
	}
	p.mu.Lock()
	p.jobs = append(p.jobs, job{path: t.Path, env: env})
	p.mu.Unlock()
	if name := p.fail[env["SLUICE_STEP"]]; name != "" {
		return nil, &asl.Failure{Name: name, Cause: "step " + env["SLUICE_STEP"] + " failed"}
	}
	return json.RawMessage(`{"JobId":"j"}`), nil
}

func (p *pipeline) getObject(raw json.RawMessage) (json.RawMessage, error) {
	var params struct{ Bucket, Key string }
	if err := json.Unmarshal(raw, &params); err != nil {
		return nil, err
	}
	p.mu.Lock()
	path := params.Bucket + "/" + params.Key
	if p.reads == nil {
		p.reads = map[string]int{}
	}
	p.reads[path]++
	transient := p.reads[path] <= p.flaky[path]
	p.mu.Unlock()
	if transient {
		return nil, &asl.Failure{Name: "S3.S3Exception", Cause: "Service Unavailable (503)"}
	}
	body, ok := p.objects[path]
	if !ok {
		return nil, &asl.Failure{Name: "S3.NoSuchKeyException", Cause: params.Key}
	}
	return json.Marshal(map[string]string{"Body": body})
}

// paths returns the paths of the jobs run, in order.
func (p *pipeline) paths() []string {
	out := make([]string, len(p.jobs))
	for i, j := range p.jobs {
		out[i] = j.path
	}
	return out
}

// env returns the environment of the job at path.
func (p *pipeline) env(tb testing.TB, path string) map[string]string {
	tb.Helper()
	for _, j := range p.jobs {
		if j.path == path {
			return j.env
		}
	}
	tb.Fatalf("no job ran at %s; jobs: %v", path, p.paths())
	return nil
}

// runPipeline executes a compiled golden definition as execution run-1.
func runPipeline(tb testing.TB, name, input string, p *pipeline, res asl.Resources) (string, []asl.Event, error) {
	tb.Helper()
	opts, _ := testOptions(p)
	opts.Resources = res
	return execute(tb, goldenDefinition(tb, name), input, opts)
}

// inOrder checks that want's paths ran in that order (other jobs may
// run in between).
func inOrder(tb testing.TB, got []string, want ...string) {
	tb.Helper()
	last := -1
	for _, w := range want {
		i := slices.Index(got, w)
		if i < 0 || i < last {
			tb.Fatalf("jobs %v: want %v in that order", got, want)
		}
		last = i
	}
}

// checkEnv checks some variables of a job's environment.
func checkEnv(tb testing.TB, p *pipeline, path string, want map[string]string) {
	tb.Helper()
	env := p.env(tb, path)
	for k, v := range want {
		if env[k] != v {
			tb.Errorf("%s: %s=%q, want %q", path, k, env[k], v)
		}
	}
}

const artifacts = "s3://churn-dev-artifacts/"

func TestPipelineLinear(t *testing.T) {
	p := &pipeline{}
	if _, _, err := runPipeline(t, "linear", `{}`, p, nil); err != nil {
		t.Fatal(err)
	}
	if got := p.paths(); !slices.Equal(got, []string{"extract", "transform", "load"}) {
		t.Fatalf("jobs %v", got)
	}
	checkEnv(t, p, "transform", map[string]string{
		"SLUICE_RUN_ID": "run-1", "SLUICE_ARTIFACTS": artifacts + "etl/run-1", "SLUICE_OUTPUT": artifacts + "etl/run-1/transform",
		"SLUICE_PARENTS": `["` + artifacts + `etl/run-1/extract"]`, "SLUICE_PARAMETERS": `{}`, "SLUICE_STEP": "transform",
	})
}

func TestPipelineForeachInline(t *testing.T) {
	p := &pipeline{}
	if _, _, err := runPipeline(t, "foreach-inline", `{"parameters":{"alphas":[0.5,{"a":2}]}}`, p, nil); err != nil {
		t.Fatal(err)
	}
	got := p.paths()
	if len(got) != 6 || got[0] != "start" || got[5] != "pick" {
		t.Fatalf("jobs %v: want start, two copies of train and score, pick", got)
	}
	inOrder(t, got, "start.foreach/0/train", "start.foreach/0/score")
	inOrder(t, got, "start.foreach/1/train", "start.foreach/1/score")
	run := artifacts + "sweep/run-1"
	checkEnv(t, p, "start.foreach/1/train", map[string]string{
		"SLUICE_FOREACH_INDEX": "1", "SLUICE_FOREACH_ITEM": `{"a":2}`, "SLUICE_OUTPUT": run + "/train/1",
		"SLUICE_PARENTS": `["` + run + `/start"]`, "SLUICE_PARAMETERS": `{"alphas":[0.5,{"a":2}]}`,
	})
	checkEnv(t, p, "start.foreach/0/score", map[string]string{
		"SLUICE_FOREACH_INDEX": "0", "SLUICE_FOREACH_ITEM": `0.5`, "SLUICE_OUTPUT": run + "/score/0",
		"SLUICE_PARENTS": `["` + run + `/train/0"]`,
	})
	checkEnv(t, p, "pick", map[string]string{"SLUICE_OUTPUT": run + "/pick", "SLUICE_PARENTS": `["` + run + `/score"]`})
}

func TestPipelineParameterDefaults(t *testing.T) {
	p := &pipeline{}
	if _, _, err := runPipeline(t, "foreach-inline", `{"parameters":{}}`, p, nil); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, p, "start", map[string]string{"SLUICE_PARAMETERS": `{"alphas":[0.1,0.3,1]}`})
	// A copy reads the parameters from the execution input, with the
	// defaults merged under them as the start states merge them.
	checkEnv(t, p, "start.foreach/2/score", map[string]string{"SLUICE_PARAMETERS": `{"alphas":[0.1,0.3,1]}`, "SLUICE_FOREACH_ITEM": "1"})
	if n := len(p.jobs); n != 8 {
		t.Errorf("%d jobs, want 8: one copy of the body per default alpha", n)
	}
}

// TestPipelineForeachTooManyItems checks the guard of an inline foreach:
// a list longer than its copies fit in the execution's history fails
// the run with Sluice.TooManyItems, saying how many items it got, before
// any copy runs (the compiled foreach-inline takes at most 1,783).
func TestPipelineForeachTooManyItems(t *testing.T) {
	items := make([]string, 1784)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	p := &pipeline{}
	_, _, err := runPipeline(t, "foreach-inline", `{"parameters":{"alphas":[`+strings.Join(items, ",")+`]}}`, p, nil)
	var f *asl.Failure
	if !errors.As(err, &f) || f.Name != "Sluice.TooManyItems" || !strings.Contains(f.Cause, `step "start" got 1784 items; inline, at most 1783`) {
		t.Fatalf("%v, want Sluice.TooManyItems naming the step, the count and the limit", err)
	}
	if got := p.paths(); len(got) != 1 || got[0] != "start" {
		t.Errorf("jobs %v, want only start: no copy may run", got)
	}
	p = &pipeline{}
	if _, _, err := runPipeline(t, "foreach-inline", `{"parameters":{"alphas":[`+strings.Join(items[:1783], ",")+`]}}`, p, nil); err != nil {
		t.Errorf("1,783 items: %v, want the run to go through", err)
	}
}

// TestPipelineForeachNeedsParametersObject checks that a run of a
// pipeline whose foreach copies read the execution input fails before
// any step when the input has no "parameters" object, rather than in the
// copies after the steps before them ran, and that a pipeline without
// such a foreach still runs on its defaults.
func TestPipelineForeachNeedsParametersObject(t *testing.T) {
	for _, input := range []string{``, `{}`} {
		p := &pipeline{}
		_, _, err := runPipeline(t, "foreach-inline", input, p, nil)
		var f *asl.Failure
		if !errors.As(err, &f) || f.Name != "Sluice.MissingParameter" || !strings.Contains(f.Cause, `{"parameters": {}}`) {
			t.Errorf("input %q: %v, want Sluice.MissingParameter saying how to start the run", input, err)
		}
		if len(p.jobs) != 0 {
			t.Errorf("input %q: jobs %v ran, want none", input, p.paths())
		}
	}
	p := &pipeline{}
	if _, _, err := runPipeline(t, "linear", `{}`, p, nil); err != nil {
		t.Errorf("a pipeline without a foreach, started without parameters: %v", err)
	}
}

func TestPipelineNestedForeach(t *testing.T) {
	p := &pipeline{objects: map[string]string{
		"churn-dev-artifacts/grid/run-1/folds/0/outputs.json": `{"folds":["a","b"]}`,
		"churn-dev-artifacts/grid/run-1/folds/1/outputs.json": `{"folds":["c"]}`,
	}}
	if _, _, err := runPipeline(t, "nested-foreach", `{"parameters":{}}`, p, nil); err != nil {
		t.Fatal(err)
	}
	got := p.paths()
	inOrder(t, got, "start", "start.foreach/0/folds", "start.foreach/0/folds.foreach/1/fit", "start.foreach/0/average", "best")
	inOrder(t, got, "start.foreach/1/folds", "start.foreach/1/folds.foreach/0/fit", "start.foreach/1/average")
	if len(got) != 9 {
		t.Errorf("jobs %v: want 9", got)
	}
	run := artifacts + "grid/run-1"
	checkEnv(t, p, "start.foreach/1/folds.foreach/0/fit", map[string]string{
		"SLUICE_FOREACH_INDEX": "0", "SLUICE_FOREACH_ITEM": `"c"`, "SLUICE_OUTPUT": run + "/fit/1/0",
		"SLUICE_PARENTS": `["` + run + `/folds/1"]`,
	})
	checkEnv(t, p, "start.foreach/0/average", map[string]string{
		"SLUICE_FOREACH_ITEM": `"linear"`, "SLUICE_OUTPUT": run + "/average/0", "SLUICE_PARENTS": `["` + run + `/fit/0"]`,
	})
}

func TestPipelineSplit(t *testing.T) {
	p := &pipeline{}
	if _, _, err := runPipeline(t, "split", `{}`, p, nil); err != nil {
		t.Fatal(err)
	}
	got := p.paths()
	inOrder(t, got, "load", "fork", "fork.split/0/text", "fork.split/0/text-clean", "merge")
	inOrder(t, got, "fork", "fork.split/1/tabular", "merge")
	run := artifacts + "features/run-1"
	checkEnv(t, p, "merge", map[string]string{"SLUICE_PARENTS": `["` + run + `/text-clean","` + run + `/tabular"]`})
}

func TestPipelineSwitch(t *testing.T) {
	cases := []struct {
		status, quality string
		want            []string
		wantErr         string
	}{
		{"ok", "pass", []string{"check.split/0/validate", "decide", "deploy"}, ""},
		{"retry", "fail", []string{"check.split/0/validate", "check.split/0/revalidate", "decide", "reject"}, ""},
		{"ok", "", []string{"decide", "reject"}, ""},
		{"ok", "maybe", []string{"decide", "reject"}, ""},
		{"bogus", "pass", nil, "Sluice.UnmatchedCase"},
	}
	for _, c := range cases {
		t.Run(c.status+"/"+c.quality, func(t *testing.T) {
			decide := `{}`
			if c.quality != "" {
				decide = `{"quality":"` + c.quality + `"}`
			}
			p := &pipeline{objects: map[string]string{
				"churn-dev-artifacts/gate/run-1/validate/outputs.json": `{"status":"` + c.status + `"}`,
				"churn-dev-artifacts/gate/run-1/decide/outputs.json":   decide,
			}}
			_, _, err := runPipeline(t, "switch", `{}`, p, nil)
			if c.wantErr != "" {
				if f := failureOf(t, err); f.Name != c.wantErr {
					t.Fatalf("failure %v, want %s", f, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := p.paths()
			inOrder(t, got, c.want...)
			for _, other := range []string{"deploy", "reject", "check.split/0/revalidate"} {
				if !slices.Contains(c.want, other) && slices.Contains(got, other) {
					t.Errorf("jobs %v: %s should not run", got, other)
				}
			}
		})
	}
}

// TestPipelineSwitchTyped is the conformance table of typed switch
// cases: the value a step writes goes to the case of the same type and
// value, and a value of another type goes to the default.
func TestPipelineSwitchTyped(t *testing.T) {
	cases := []struct{ outputs, want string }{
		{`{"verdict":true}`, "audit"},
		{`{"verdict":false}`, "pass"},
		{`{"verdict":1}`, "one"},
		{`{"verdict":1.0}`, "one"},
		{`{"verdict":2.5}`, "two"},
		{`{"verdict":2.50}`, "two"},
		{`{"verdict":"3"}`, "three"},
		{`{"verdict":"ok"}`, "pass"},
		{`{"verdict":3}`, "other"},
		{`{"verdict":"1"}`, "other"},
		{`{"verdict":"2.50"}`, "other"},
		{`{"verdict":"true"}`, "other"},
		{`{"verdict":null}`, "other"},
		{`{"verdict":[1]}`, "other"},
		{`{}`, "other"},
	}
	for _, c := range cases {
		t.Run(c.outputs, func(t *testing.T) {
			p := &pipeline{objects: map[string]string{"churn-dev-artifacts/verdict/run-1/judge/outputs.json": c.outputs}}
			if _, _, err := runPipeline(t, "switch-typed", `{}`, p, nil); err != nil {
				t.Fatal(err)
			}
			if got := p.paths(); !slices.Equal(got, []string{"judge", c.want}) {
				t.Errorf("jobs %v, want judge then %s", got, c.want)
			}
		})
	}
}

// TestPipelineOutputsReadRetried checks that the state reading a step's
// outputs.json retries transient S3 errors and not a missing object.
func TestPipelineOutputsReadRetried(t *testing.T) {
	validate := "churn-dev-artifacts/gate/run-1/validate/outputs.json"
	decide := "churn-dev-artifacts/gate/run-1/decide/outputs.json"
	cases := []struct {
		name    string
		flaky   int
		objects map[string]string
		wantErr string
		reads   int
	}{
		{"two transient errors", 2, map[string]string{validate: `{"status":"ok"}`, decide: `{"quality":"pass"}`}, "", 3},
		{"more transient errors than retries", 9, map[string]string{validate: `{"status":"ok"}`}, "S3.S3Exception", 6},
		{"missing object not retried", 0, map[string]string{}, "S3.NoSuchKeyException", 1},
		{"object that is not JSON not retried", 0, map[string]string{validate: `{"status":`}, "States.IntrinsicFailure", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &pipeline{objects: c.objects, flaky: map[string]int{validate: c.flaky}}
			_, _, err := runPipeline(t, "switch", `{}`, p, nil)
			if c.wantErr == "" && err != nil || c.wantErr != "" && failureOf(t, err).Name != c.wantErr {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
			if n := p.reads[validate]; n != c.reads {
				t.Errorf("%d reads of validate's outputs.json, want %d", n, c.reads)
			}
		})
	}
}

func TestPipelineRetryCatch(t *testing.T) {
	p := &pipeline{fail: map[string]string{"fetch": "States.TaskFailed"}}
	opts, sleeps := testOptions(p)
	out, events, err := execute(t, goldenDefinition(t, "retry-catch-timeout"), `{}`, opts)
	if err != nil {
		t.Fatal(err)
	}
	// retry.attempts 3 is three retries after the first try.
	if got := p.paths(); !slices.Equal(got, []string{"fetch", "fetch", "fetch", "fetch", "alert"}) {
		t.Fatalf("jobs %v: want fetch tried 4 times (3 retries), then alert", got)
	}
	waits := sleeps.all()
	if len(waits) != 3 || waits[0] > 10e9 || waits[1] > 20e9 || waits[2] > 40e9 {
		t.Errorf("waits %v: want 3, jittered below 10s, 20s and 40s", waits)
	}
	var state struct {
		Error struct{ Step, Error, Cause string }
	}
	if err := json.Unmarshal([]byte(out), &state); err != nil || state.Error.Error != "States.TaskFailed" || state.Error.Step != "fetch" {
		t.Errorf("output %s: want the error of fetch under $.error", out)
	}
	// A failed Batch job's cause (its whole description) is replaced by
	// a short one, so the onFailure job's overrides stay within Batch's
	// limit.
	checkEnv(t, p, "alert", map[string]string{"SLUICE_FAILED_STEP": "fetch", "SLUICE_ERROR": "States.TaskFailed",
		"SLUICE_CAUSE": "the step's Batch job failed; its status reason and logs are in the AWS Batch console, under the job named after the step"})
	if n := len(eventsOf(events, "TaskRetried")); n != 3 {
		t.Errorf("%d TaskRetried events, want 3", n)
	}
}

// TestPipelineFailureEnv is the table of what an onFailure step is told:
// the failed step, its error and, but for a failed Batch job, its cause.
func TestPipelineFailureEnv(t *testing.T) {
	cases := []struct {
		name, failing, errName, wantCause string
	}{
		{"timeout keeps its cause", "train", "States.Timeout", "step train failed"},
		{"API error keeps its cause", "fetch", "Batch.AWSBatchException", "step fetch failed"},
		{"custom error keeps its cause", "train", "Custom", "step train failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &pipeline{fail: map[string]string{c.failing: c.errName}}
			opts, _ := testOptions(p)
			if _, _, err := execute(t, goldenDefinition(t, "retry-catch-timeout"), `{}`, opts); err != nil {
				t.Fatal(err)
			}
			checkEnv(t, p, "alert", map[string]string{"SLUICE_FAILED_STEP": c.failing, "SLUICE_ERROR": c.errName, "SLUICE_CAUSE": c.wantCause})
		})
	}
}

// TestPipelineFailureEnvReachedOrdinarily checks that an onFailure step
// reached without a failure (a switch case) runs with empty failure
// variables rather than failing the run, and that one inside a foreach
// body is told which copy's step failed.
func TestPipelineFailureEnvReachedOrdinarily(t *testing.T) {
	p := &pipeline{objects: map[string]string{"churn-dev-artifacts/guarded/run-1/evaluate/outputs.json": `{"quality":"fail"}`}}
	if _, _, err := runPipeline(t, "on-failure", `{"parameters":{}}`, p, nil); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, p, "report", map[string]string{"SLUICE_FAILED_STEP": "", "SLUICE_ERROR": "", "SLUICE_CAUSE": ""})

	p = &pipeline{objects: map[string]string{"churn-dev-artifacts/guarded/run-1/evaluate/outputs.json": `{"quality":"pass"}`},
		fail: map[string]string{"work": "States.Timeout"}}
	if _, _, err := runPipeline(t, "on-failure", `{"parameters":{}}`, p, nil); err != nil {
		t.Fatal(err)
	}
	checkEnv(t, p, "fan.foreach/1/salvage", map[string]string{"SLUICE_FAILED_STEP": "work", "SLUICE_ERROR": "States.Timeout",
		"SLUICE_CAUSE": "step work failed", "SLUICE_FOREACH_INDEX": "1"})
	inOrder(t, p.paths(), "fan", "fan.foreach/0/work", "fan.foreach/0/salvage", "done")
}

func TestPipelineRequiredParameters(t *testing.T) {
	cases := []struct {
		input, wantErr string
	}{
		{`{}`, "Sluice.MissingParameter"},
		{`{"parameters":{"dataset":"s3://d"}}`, "Sluice.MissingParameter"},
		{`{"parameters":{"dataset":"s3://d","model-name":"m"}}`, ""},
	}
	for _, c := range cases {
		t.Run(c.input, func(t *testing.T) {
			p := &pipeline{}
			_, _, err := runPipeline(t, "parameters", c.input, p, nil)
			if c.wantErr != "" {
				if f := failureOf(t, err); f.Name != c.wantErr || len(p.jobs) != 0 {
					t.Errorf("failure %v after %d jobs, want %s before any", f, len(p.jobs), c.wantErr)
				}
				return
			}
			if err != nil || len(p.jobs) == 0 {
				t.Fatalf("error %v after %d jobs", err, len(p.jobs))
			}
			params := p.jobs[0].env["SLUICE_PARAMETERS"]
			for _, want := range []string{`"epochs":10`, `"model-name":"m"`, `"with-default":"x"`, `"tags":["a","b's"]`} {
				if !strings.Contains(params, want) {
					t.Errorf("SLUICE_PARAMETERS %s lacks %s", params, want)
				}
			}
		})
	}
}

// TestPipelineParameterTypes is the table of the start states' type
// checks: a value of the wrong type fails the run with
// Sluice.InvalidParameter before any step runs; an optional parameter
// without a default may be absent.
func TestPipelineParameterTypes(t *testing.T) {
	const base = `"dataset":"s3://d","model-name":"m"`
	cases := []struct {
		params, wantErr, cause string
	}{
		{base, "", ""},
		{base + `,"note":"n","limit":3,"tags":[],"extra":{}`, "", ""},
		{`"dataset":3,"model-name":"m"`, "Sluice.InvalidParameter", `parameter "dataset" must be a string`},
		{base + `,"epochs":"abc"`, "Sluice.InvalidParameter", `parameter "epochs" must be a whole number`},
		{base + `,"debug":"yes"`, "Sluice.InvalidParameter", `parameter "debug" must be true or false`},
		{base + `,"tags":"a,b"`, "Sluice.InvalidParameter", `parameter "tags" must be a list (as JSON: [1, 2])`},
		{base + `,"extra":null`, "Sluice.InvalidParameter", `parameter "extra" must be an object (as JSON: {"k": 1})`},
		{base + `,"note":5`, "Sluice.InvalidParameter", `parameter "note" must be a string`},
		{base + `,"limit":"x"`, "Sluice.InvalidParameter", `parameter "limit" must be a whole number`},
		{`"model-name":"m","epochs":"abc"`, "Sluice.MissingParameter", `parameter "dataset" is required`},
	}
	for _, c := range cases {
		t.Run(c.params, func(t *testing.T) {
			p := &pipeline{}
			_, _, err := runPipeline(t, "parameters", `{"parameters":{`+c.params+`}}`, p, nil)
			if c.wantErr == "" {
				if err != nil || len(p.jobs) == 0 {
					t.Fatalf("error %v after %d jobs, want the run to go on", err, len(p.jobs))
				}
				return
			}
			f := failureOf(t, err)
			if f.Name != c.wantErr || !strings.HasPrefix(f.Cause, c.cause) || len(p.jobs) != 0 {
				t.Errorf("failure %v after %d jobs, want %s %q before any job", f, len(p.jobs), c.wantErr, c.cause)
			}
		})
	}
}

func TestPipelineForeachDistributed(t *testing.T) {
	p := &pipeline{}
	s := &store{objects: map[string][]json.RawMessage{
		"churn-dev-artifacts/predict/run-1/shard/shards.json": {json.RawMessage(`"s0"`), json.RawMessage(`"s1"`), json.RawMessage(`"s2"`)},
	}, written: map[string][]json.RawMessage{}}
	if _, _, err := runPipeline(t, "foreach-distributed", `{}`, p, s); err != nil {
		t.Fatal(err)
	}
	got := p.paths()
	inOrder(t, got, "shard", "shard.foreach/2/predict", "merge")
	if len(got) != 5 {
		t.Errorf("jobs %v: want shard, 3 predicts, merge", got)
	}
	checkEnv(t, p, "shard.foreach/2/predict", map[string]string{
		"SLUICE_FOREACH_INDEX": "2", "SLUICE_FOREACH_ITEM": `"s2"`, "SLUICE_OUTPUT": artifacts + "predict/run-1/predict/2",
	})
	if n := len(s.written["churn-dev-artifacts/predict/map-results/shard"]); n != 3 {
		t.Errorf("%d results written, want 3", n)
	}
}

func TestPipelineGoldensParse(t *testing.T) {
	for _, name := range []string{"foreach-distributed", "foreach-in-split", "foreach-inline", "kinds", "linear", "nested-foreach",
		"on-failure", "overrides", "parameters", "retry-catch-timeout", "schedule", "split-in-foreach", "split", "switch", "switch-typed"} {
		t.Run(name, func(t *testing.T) {
			MustParse(t, goldenDefinition(t, name))
		})
	}
}

func TestPipelineNestedShapes(t *testing.T) {
	cases := []struct {
		name  string
		jobs  int
		order []string
		env   map[string]map[string]string
	}{
		{"foreach-in-split", 8, []string{"start", "start.split/0/sweep", "start.split/0/sweep.foreach/2/fit", "start.split/0/collect", "compare"},
			map[string]map[string]string{
				"start.split/0/sweep.foreach/2/fit": {"SLUICE_OUTPUT": artifacts + "mixed/run-1/fit/2", "SLUICE_FOREACH_ITEM": "3",
					"SLUICE_PARENTS": `["` + artifacts + `mixed/run-1/sweep"]`},
				"start.split/0/collect": {"SLUICE_PARENTS": `["` + artifacts + `mixed/run-1/fit"]`},
			}},
		{"split-in-foreach", 10, []string{"start", "start.foreach/1/fork", "start.foreach/1/fork.split/1/stats", "start.foreach/1/combine", "report"},
			map[string]map[string]string{
				"start.foreach/1/fork.split/1/stats": {"SLUICE_OUTPUT": artifacts + "regions/run-1/stats/1", "SLUICE_FOREACH_ITEM": `"us"`,
					"SLUICE_PARENTS": `["` + artifacts + `regions/run-1/fork/1"]`},
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &pipeline{}
			if _, _, err := runPipeline(t, c.name, `{"parameters":{}}`, p, nil); err != nil {
				t.Fatal(err)
			}
			got := p.paths()
			if len(got) != c.jobs {
				t.Errorf("jobs %v: want %d", got, c.jobs)
			}
			inOrder(t, got, c.order...)
			for path, env := range c.env {
				checkEnv(t, p, path, env)
			}
		})
	}
}
