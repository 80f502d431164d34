package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

func TestHistory(t *testing.T) {
	def := `{"StartAt":"p","States":{"p":{"Type":"Pass","Result":{"x":1},"Next":"t"},
	"t":{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":1,"IntervalSeconds":2}],"End":true}}}`
	var observed []asl.Event
	opts, _ := testOptions(failing("E", ""))
	opts.Observer = func(e asl.Event) { observed = append(observed, e) }
	_, events, err := execute(t, def, `{"in":true}`, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ExecutionStarted", "StateEntered p", "StateExited p", "StateEntered t", "TaskStarted t",
		"TaskFailed t", "TaskRetried t", "TaskStarted t", "TaskSucceeded t", "StateExited t", "ExecutionSucceeded"}
	var got []string
	for i, e := range events {
		got = append(got, summary(e))
		if e.Seq != i+1 || e.Time.IsZero() {
			t.Errorf("event %d has Seq %d, Time %v", i, e.Seq, e.Time)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("history\n%v\nwant\n%v", got, want)
	}
	if len(observed) != len(events) {
		t.Errorf("observer saw %d events, history has %d", len(observed), len(events))
	}
	checks := []struct {
		i          int
		field, has string
	}{
		{0, "Input", `{"in":true}`},
		{2, "Output", `{"x":1}`},
		{4, "Input", `{"x":1}`},
		{8, "Output", `{"ok":1}`},
		{10, "Output", `{"ok":1}`},
	}
	for _, c := range checks {
		e := events[c.i]
		got := map[string]json.RawMessage{"Input": e.Input, "Output": e.Output}[c.field]
		if !jsonEqual(t, string(got), c.has) {
			t.Errorf("event %d (%s) %s %s, want %s", c.i, e.Type, c.field, got, c.has)
		}
	}
	if r := events[6]; r.Attempt != 2 || r.Delay != 2*time.Second || r.Error != "E" {
		t.Errorf("retry event %+v: want attempt 2 after 2s for E", r)
	}
}

func summary(e asl.Event) string {
	if e.State == "" {
		return e.Type
	}
	return e.Type + " " + e.State
}

func TestConcurrentExecutions(t *testing.T) {
	m := MustParse(t, goldenDefinition(t, "foreach-inline"))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := &pipeline{}
			opts, _ := testOptions(p)
			_, _, errs[i] = m.Execute(context.Background(), fmt.Sprint("run-", i), json.RawMessage(`{"parameters":{}}`), opts)
			if errs[i] == nil && len(p.jobs) != 8 {
				errs[i] = fmt.Errorf("%d jobs, want 8", len(p.jobs))
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("execution %d: %v", i, err)
		}
	}
}

func TestBadInput(t *testing.T) {
	opts, _ := testOptions(nil)
	for _, in := range []string{`{`, `{} {}`, `nope`} {
		_, _, err := MustParse(t, passMachine(`"Comment":"x"`)).Execute(context.Background(), "r", json.RawMessage(in), opts)
		var f *asl.Failure
		if err == nil || errors.As(err, &f) {
			t.Errorf("input %q: error %v, want a plain error", in, err)
		}
	}
}

// FuzzExecute parses arbitrary definitions and runs those that parse,
// briefly: neither may panic.
func FuzzExecute(f *testing.F) {
	f.Add([]byte(passMachine(`"Parameters":{"a.$":"States.Format('{}', $.x)"}`)), []byte(`{"x":1}`))
	f.Add([]byte(choiceMachine(`{"Variable":"$.s","StringMatches":"a*\\*","Next":"yes"}`)), []byte(`{"s":"ab*"}`))
	f.Add([]byte(mapMachine(mapSelector)), []byte(items(3)))
	f.Add([]byte(goldenDefinition(f, "switch")), []byte(`{}`))
	f.Fuzz(func(t *testing.T, def, input []byte) {
		m, err := asl.Parse(def)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		opts, _ := testOptions(&recorder{})
		_, _, _ = m.Execute(ctx, "fuzz", input, opts)
	})
}
