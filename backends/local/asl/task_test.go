package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// failing answers each try from a list: an error name fails it with that
// asl error ("plain" with a plain Go error), "" succeeds with {"ok":N}.
func failing(outcomes ...string) *recorder {
	var n atomic.Int32
	return &recorder{reply: func(asl.Task) (json.RawMessage, error) {
		i := int(n.Add(1)) - 1
		switch o := outcomes[min(i, len(outcomes)-1)]; o {
		case "":
			return json.RawMessage(`{"ok":` + string(rune('0'+i)) + `}`), nil
		case "plain":
			return nil, errors.New("exit status 1")
		default:
			return nil, &asl.Failure{Name: o, Cause: "try " + string(rune('1'+i))}
		}
	}}
}

func taskMachine(fields string) string {
	return `{"StartAt":"t","States":{
	"t":{"Type":"Task","Resource":"arn:aws:states:::batch:submitJob.sync",` + fields + `,"Next":"done"},
	"done":{"Type":"Pass","End":true},
	"handler":{"Type":"Pass","End":true}}}`
}

func TestTaskIO(t *testing.T) {
	cases := []struct {
		name, fields, input, result, wantParams, want string
	}{
		{"parameters handed to the runner", `"Parameters":{"Env":[{"Name":"A","Value.$":"$.a"}],"Static":1}`, `{"a":"x"}`, `{"r":1}`,
			`{"Env":[{"Name":"A","Value":"x"}],"Static":1}`, `{"r":1}`},
		{"input when no parameters", `"InputPath":"$.a"`, `{"a":{"b":1}}`, `2`, `{"b":1}`, `2`},
		{"result selector", `"ResultSelector":{"got.$":"$.r","json.$":"States.StringToJson($.body)"}`, `{}`, `{"r":1,"body":"[3]"}`,
			`{}`, `{"got":1,"json":[3]}`},
		{"result path null drops the result", `"ResultPath":null`, `{"a":1}`, `{"r":1}`, `{"a":1}`, `{"a":1}`},
		{"result path places the result", `"ResultPath":"$.out"`, `{"a":1}`, `{"r":1}`, `{"a":1}`, `{"a":1,"out":{"r":1}}`},
		{"output path", `"OutputPath":"$.r"`, `{}`, `{"r":[1]}`, `{}`, `[1]`},
		{"empty result is null", `"ResultPath":"$.out"`, `{}`, ``, `{}`, `{"out":null}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{reply: func(asl.Task) (json.RawMessage, error) { return json.RawMessage(c.result), nil }}
			opts, _ := testOptions(rec)
			out, _, err := execute(t, taskMachine(c.fields), c.input, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, out, c.want) {
				t.Errorf("output %s, want %s", out, c.want)
			}
			if len(rec.tasks) != 1 || !jsonEqual(t, string(rec.tasks[0].Parameters), c.wantParams) {
				t.Fatalf("tasks %+v, want one with parameters %s", rec.tasks, c.wantParams)
			}
			tk := rec.tasks[0]
			if tk.Execution != "run-1" || tk.State != "t" || tk.Path != "t" || tk.Attempt != 1 || tk.Resource != "arn:aws:states:::batch:submitJob.sync" {
				t.Errorf("task %+v: want execution run-1, state t, attempt 1 and the state's resource", tk)
			}
		})
	}
}

func TestRetry(t *testing.T) {
	s := time.Second
	cases := []struct {
		name     string
		retry    string
		outcomes []string
		wantErr  string
		// waits are the recorded sleeps between tries.
		waits []time.Duration
	}{
		{"defaults: 1s, backoff 2, 3 retries", `[{"ErrorEquals":["States.ALL"]}]`,
			[]string{"States.TaskFailed"}, "States.TaskFailed", []time.Duration{s, 2 * s, 4 * s}},
		{"success after retries", `[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":3,"BackoffRate":1.5}]`,
			[]string{"plain", "plain", ""}, "", []time.Duration{3 * s, 4500 * time.Millisecond}},
		{"MaxAttempts 0 never retries", `[{"ErrorEquals":["States.ALL"],"MaxAttempts":0}]`,
			[]string{"States.TaskFailed"}, "States.TaskFailed", nil},
		{"MaxDelaySeconds caps", `[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"BackoffRate":3,"MaxAttempts":4,"MaxDelaySeconds":50}]`,
			[]string{"Custom"}, "Custom", []time.Duration{10 * s, 30 * s, 50 * s, 50 * s}},
		{"custom name matched", `[{"ErrorEquals":["Other"],"MaxAttempts":5},{"ErrorEquals":["Custom"],"MaxAttempts":1}]`,
			[]string{"Custom"}, "Custom", []time.Duration{s}},
		{"TaskFailed matches custom errors", `[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1}]`,
			[]string{"Custom", ""}, "", []time.Duration{s}},
		{"TaskFailed does not match Timeout", `[{"ErrorEquals":["States.TaskFailed"]}]`,
			[]string{"States.Timeout"}, "States.Timeout", nil},
		{"Timeout by name", `[{"ErrorEquals":["States.Timeout"],"MaxAttempts":1}]`,
			[]string{"States.Timeout", ""}, "", []time.Duration{s}},
		{"unmatched error not retried", `[{"ErrorEquals":["Other"]}]`,
			[]string{"Custom"}, "Custom", nil},
		{"first matching retrier decides, each counts its own",
			`[{"ErrorEquals":["A"],"MaxAttempts":1,"IntervalSeconds":2},{"ErrorEquals":["States.ALL"],"MaxAttempts":2,"IntervalSeconds":5}]`,
			[]string{"B", "A", "B", "A"}, "A", []time.Duration{5 * s, 2 * s, 10 * s}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := failing(c.outcomes...)
			opts, sleeps := testOptions(rec)
			_, events, err := execute(t, taskMachine(`"Retry":`+c.retry), `{}`, opts)
			if c.wantErr == "" && err != nil || c.wantErr != "" && failureOf(t, err).Name != c.wantErr {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
			if got := sleeps.all(); !slices.Equal(got, c.waits) {
				t.Errorf("waits %v, want %v", got, c.waits)
			}
			checkAttempts(t, rec, events, len(c.waits)+1)
		})
	}
}

// checkAttempts checks the runner saw tries 1..n and the history says
// so: a TaskStarted per try, a TaskRetried before each try after the
// first.
func checkAttempts(t *testing.T, rec *recorder, events []asl.Event, n int) {
	t.Helper()
	if len(rec.tasks) != n {
		t.Fatalf("runner saw %d tries, want %d", len(rec.tasks), n)
	}
	for i, tk := range rec.tasks {
		if tk.Attempt != i+1 {
			t.Errorf("try %d has Attempt %d", i+1, tk.Attempt)
		}
	}
	started, retried := eventsOf(events, "TaskStarted"), eventsOf(events, "TaskRetried")
	if len(started) != n || len(retried) != n-1 {
		t.Fatalf("%d TaskStarted and %d TaskRetried events, want %d and %d", len(started), len(retried), n, n-1)
	}
	for i, e := range retried {
		if e.Attempt != i+2 || started[i+1].Attempt != i+2 || e.Seq > started[i+1].Seq {
			t.Errorf("retry %d: event %+v, want Attempt %d before its TaskStarted", i, e, i+2)
		}
	}
}

func TestRetryJitter(t *testing.T) {
	rec := failing("States.TaskFailed")
	opts, sleeps := testOptions(rec)
	def := taskMachine(`"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"MaxAttempts":6,"MaxDelaySeconds":60,"JitterStrategy":"FULL"}]`)
	if _, _, err := execute(t, def, `{}`, opts); failureOf(t, err).Name != "States.TaskFailed" {
		t.Fatal(err)
	}
	caps := []float64{10, 20, 40, 60, 60, 60}
	waits := sleeps.all()
	if len(waits) != len(caps) {
		t.Fatalf("waits %v, want %d", waits, len(caps))
	}
	distinct := map[time.Duration]bool{}
	for i, w := range waits {
		if w < 0 || w > time.Duration(caps[i]*float64(time.Second)) {
			t.Errorf("wait %d is %v, want within [0, %vs]", i, w, caps[i])
		}
		distinct[w] = true
	}
	if len(distinct) < 5 {
		t.Errorf("waits %v: full jitter should draw different delays", waits)
	}
}

func TestCatch(t *testing.T) {
	cases := []struct {
		name, catch, fields string
		outcome             string
		want, wantErr       string
	}{
		{"States.ALL to handler with result path", `[{"ErrorEquals":["States.ALL"],"Next":"handler","ResultPath":"$.error"}]`, ``,
			"Custom", `{"a":1,"error":{"Error":"Custom","Cause":"try 1"}}`, ""},
		{"default result path replaces", `[{"ErrorEquals":["States.TaskFailed"],"Next":"handler"}]`, ``,
			"plain", `{"Error":"States.TaskFailed","Cause":"exit status 1"}`, ""},
		{"null result path keeps the input", `[{"ErrorEquals":["Custom"],"Next":"handler","ResultPath":null}]`, ``,
			"Custom", `{"a":1}`, ""},
		{"first matching catcher", `[{"ErrorEquals":["Other"],"Next":"done"},{"ErrorEquals":["Custom"],"Next":"handler","ResultPath":"$.e"}]`, ``,
			"Custom", `{"a":1,"e":{"Error":"Custom","Cause":"try 1"}}`, ""},
		{"unmatched fails the execution", `[{"ErrorEquals":["Other"],"Next":"handler"}]`, ``,
			"Custom", "", "Custom"},
		{"caught after retries", `[{"ErrorEquals":["States.ALL"],"Next":"handler","ResultPath":"$.e"}]`,
			`"Retry":[{"ErrorEquals":["Custom"],"MaxAttempts":2}],`, "Custom", `{"a":1,"e":{"Error":"Custom","Cause":"try 3"}}`, ""},
		{"runtime errors are not caught by States.ALL", `[{"ErrorEquals":["States.ALL"],"Next":"handler"}]`,
			`"OutputPath":"$.missing",`, "", "", "States.Runtime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := failing(c.outcome)
			opts, _ := testOptions(rec)
			out, events, err := execute(t, taskMachine(c.fields+`"Catch":`+c.catch), `{"a":1}`, opts)
			if c.wantErr != "" {
				if f := failureOf(t, err); f.Name != c.wantErr {
					t.Errorf("failure %v, want %s", f, c.wantErr)
				}
				return
			}
			if err != nil || !jsonEqual(t, out, c.want) {
				t.Fatalf("got %s, %v; want %s", out, err, c.want)
			}
			if last := eventsOf(events, "StateEntered"); last[len(last)-1].State != "handler" && c.want != `{"a":1}` {
				t.Errorf("last state entered %s, want handler", last[len(last)-1].State)
			}
		})
	}
}

func TestTaskTimeout(t *testing.T) {
	t.Parallel()
	rec := &recorder{reply: func(asl.Task) (json.RawMessage, error) { return nil, nil }}
	blocking := runnerFunc(func(ctx context.Context, tk asl.Task) (json.RawMessage, error) {
		if tk.Attempt == 1 {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return rec.RunTask(ctx, tk)
	})
	opts, _ := testOptions(blocking)
	def := taskMachine(`"TimeoutSeconds":1,"Retry":[{"ErrorEquals":["States.Timeout"],"MaxAttempts":1}]`)
	_, events, err := execute(t, def, `{}`, opts)
	if err != nil {
		t.Fatal(err)
	}
	failed := eventsOf(events, "TaskFailed")
	if len(failed) != 1 || failed[0].Error != "States.Timeout" || len(rec.tasks) != 1 {
		t.Errorf("TaskFailed events %+v and %d later tries, want one States.Timeout then one try", failed, len(rec.tasks))
	}
}

func TestNoRunner(t *testing.T) {
	opts, _ := testOptions(nil)
	_, _, err := execute(t, taskMachine(`"Comment":"x"`), `{}`, opts)
	if f := failureOf(t, err); f.Name != "States.TaskFailed" {
		t.Errorf("failure %v, want States.TaskFailed", f)
	}
}

func TestRetryCountInParameters(t *testing.T) {
	rec := failing("E", "E", "")
	opts, _ := testOptions(rec)
	def := taskMachine(`"Parameters":{"try.$":"$$.State.RetryCount"},"Retry":[{"ErrorEquals":["E"]}]`)
	if _, _, err := execute(t, def, `{}`, opts); err != nil {
		t.Fatal(err)
	}
	for i, tk := range rec.tasks {
		if want := fmt.Sprintf(`{"try":%d}`, i); string(tk.Parameters) != want {
			t.Errorf("try %d got parameters %s, want %s", i+1, tk.Parameters, want)
		}
	}
}

// TestTimeoutOutcomes is the conformance table for timeouts: a Task past
// its TimeoutSeconds fails with States.Timeout, which Retry and Catch
// handle like any error and which, uncaught, ends the execution FAILED;
// only the machine's own TimeoutSeconds ends it TIMED_OUT.
func TestTimeoutOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, machine, task string
		// lastEvent is the execution's final event; wantErr its error ("" for success).
		lastEvent, wantErr string
		tries              int
	}{
		{"uncaught task timeout fails the execution", ``, `"TimeoutSeconds":1`, "ExecutionFailed", "States.Timeout", 1},
		{"task timeout retried by name", ``, `"TimeoutSeconds":1,"Retry":[{"ErrorEquals":["States.Timeout"],"MaxAttempts":2,"IntervalSeconds":1}]`,
			"ExecutionFailed", "States.Timeout", 3},
		{"task timeout retried by States.ALL", ``, `"TimeoutSeconds":1,"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":1}]`,
			"ExecutionFailed", "States.Timeout", 2},
		{"task timeout not retried by States.TaskFailed", ``, `"TimeoutSeconds":1,"Retry":[{"ErrorEquals":["States.TaskFailed"]}]`,
			"ExecutionFailed", "States.Timeout", 1},
		{"task timeout caught", ``, `"TimeoutSeconds":1,"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"handler"}]`,
			"ExecutionSucceeded", "", 1},
		{"task timeout inside the machine's", `"TimeoutSeconds":3600,`, `"TimeoutSeconds":1`, "ExecutionFailed", "States.Timeout", 1},
		{"machine timeout ends TIMED_OUT, whatever catches the task", `"TimeoutSeconds":1,`,
			`"Catch":[{"ErrorEquals":["States.ALL"],"Next":"handler"}]`, "ExecutionTimedOut", "States.Timeout", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var tries atomic.Int32
			blocking := runnerFunc(func(ctx context.Context, tk asl.Task) (json.RawMessage, error) {
				tries.Add(1)
				<-ctx.Done()
				return nil, ctx.Err()
			})
			opts, _ := testOptions(blocking)
			def := `{` + c.machine + taskMachine(c.task)[1:]
			_, events, err := execute(t, def, `{}`, opts)
			if c.wantErr == "" && err != nil || c.wantErr != "" && failureOf(t, err).Name != c.wantErr {
				t.Fatalf("error %v, want %q", err, c.wantErr)
			}
			if last := events[len(events)-1]; last.Type != c.lastEvent || last.Error != c.wantErr {
				t.Errorf("last event %+v, want %s %s", last, c.lastEvent, c.wantErr)
			}
			if n := int(tries.Load()); n != c.tries {
				t.Errorf("%d tries, want %d", n, c.tries)
			}
		})
	}
}
