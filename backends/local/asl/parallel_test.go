package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

func TestParallel(t *testing.T) {
	def := `{"StartAt":"par","States":{"par":{"Type":"Parallel","Parameters":{"v.$":"$.v"},"ResultPath":"$.out",
	"ResultSelector":{"first.$":"$[0]","second.$":"$[1]"},"End":true,"Branches":[
		{"StartAt":"a","States":{"a":{"Type":"Task","Resource":"r","Parameters":{"b":"a","v.$":"$.v"},"Next":"a2"},
			"a2":{"Type":"Pass","Parameters":{"from":"a2","got.$":"$.v"},"End":true}}},
		{"StartAt":"b","States":{"b":{"Type":"Task","Resource":"r","Parameters":{"b":"b"},"End":true}}}]}}}`
	rec := &recorder{}
	opts, _ := testOptions(rec)
	out, events, err := execute(t, def, `{"v":7,"keep":true}`, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"v":7,"keep":true,"out":{"first":{"from":"a2","got":7},"second":{"b":"b"}}}`; !jsonEqual(t, out, want) {
		t.Errorf("output %s, want %s", out, want)
	}
	paths := rec.states()
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"par/0/a", "par/1/b"}) {
		t.Errorf("task paths %v, want par/0/a and par/1/b", paths)
	}
	if n := len(eventsOf(events, "ParallelBranchStarted")); n != 2 {
		t.Errorf("%d ParallelBranchStarted events, want 2", n)
	}
}

func TestParallelFailure(t *testing.T) {
	def := `{"StartAt":"par","States":{"par":{"Type":"Parallel","Next":"ok","Branches":[
		{"StartAt":"slow","States":{"slow":{"Type":"Task","Resource":"slow","End":true}}},
		{"StartAt":"bad","States":{"bad":{"Type":"Task","Resource":"bad","End":true}}}],
		%s},
	"ok":{"Type":"Pass","End":true},
	"handler":{"Type":"Pass","End":true}}}`
	cases := []struct {
		name, fields, wantErr, want string
		tries                       int
	}{
		{"fails the state and cancels the others", `"Comment":"x"`, "Branch.Bad", "", 1},
		{"caught", `"Catch":[{"ErrorEquals":["Branch.Bad"],"Next":"handler","ResultPath":"$.e"}]`, "", `{"e":{"Error":"Branch.Bad","Cause":"no"}}`, 1},
		{"retried as a whole", `"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}]`, "Branch.Bad", "", 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cancelled atomic.Int32
			rec := &recorder{}
			started := make(chan struct{}, 1)
			slow := runnerFunc(func(ctx context.Context, tk asl.Task) (json.RawMessage, error) {
				if tk.Resource == "bad" {
					<-started // fail once the other branch runs
					return nil, &asl.Failure{Name: "Branch.Bad", Cause: "no"}
				}
				_, _ = rec.RunTask(ctx, tk)
				started <- struct{}{}
				<-ctx.Done() // only a cancellation ends it
				cancelled.Add(1)
				return nil, ctx.Err()
			})
			opts, _ := testOptions(slow)
			out, events, err := execute(t, strings.Replace(def, "%s", c.fields, 1), `{}`, opts)
			if c.wantErr != "" {
				if f := failureOf(t, err); f.Name != c.wantErr {
					t.Fatalf("failure %v, want %s", f, c.wantErr)
				}
			} else if err != nil || !jsonEqual(t, out, c.want) {
				t.Fatalf("got %s, %v; want %s", out, err, c.want)
			}
			if len(rec.tasks) != c.tries || int(cancelled.Load()) != c.tries {
				t.Errorf("slow branch started %d and cancelled %d times, want %d", len(rec.tasks), cancelled.Load(), c.tries)
			}
			for _, e := range eventsOf(events, "TaskFailed") {
				if e.State != "bad" {
					t.Errorf("event %+v: a cancelled task is not a failed one", e)
				}
			}
		})
	}
}

func TestAbort(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runner := runnerFunc(func(ctx context.Context, tk asl.Task) (json.RawMessage, error) {
		cancel()
		<-ctx.Done()
		return nil, ctx.Err()
	})
	opts, _ := testOptions(runner)
	m := MustParse(t, taskMachine(`"Retry":[{"ErrorEquals":["States.ALL"]}]`))
	_, events, err := m.Execute(ctx, "run-1", nil, opts)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if last := events[len(events)-1]; last.Type != "ExecutionAborted" {
		t.Errorf("last event %+v, want ExecutionAborted", last)
	}
	if n := len(eventsOf(events, "TaskRetried")); n != 0 {
		t.Errorf("%d retries of an aborted task", n)
	}
}

func TestExecutionTimeout(t *testing.T) {
	t.Parallel()
	runner := runnerFunc(func(ctx context.Context, tk asl.Task) (json.RawMessage, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	opts, _ := testOptions(runner)
	def := `{"TimeoutSeconds":1,"StartAt":"t","States":{"t":{"Type":"Task","Resource":"r","End":true,
		"Catch":[{"ErrorEquals":["States.ALL"],"Next":"h"}]},"h":{"Type":"Pass","End":true}}}`
	_, events, err := execute(t, def, `{}`, opts)
	if f := failureOf(t, err); f.Name != "States.Timeout" {
		t.Fatalf("failure %v, want States.Timeout", f)
	}
	if last := events[len(events)-1]; last.Type != "ExecutionTimedOut" {
		t.Errorf("last event %+v, want ExecutionTimedOut", last)
	}
}
