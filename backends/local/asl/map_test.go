package asl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

// inFlight is a TaskRunner that counts the tasks running at once and
// fails the items its fail set names (by the task's "item" parameter).
type inFlight struct {
	mu        sync.Mutex
	now, peak int
	runs      int
	fail      map[string]bool
}

func (f *inFlight) RunTask(ctx context.Context, t asl.Task) (json.RawMessage, error) {
	f.mu.Lock()
	f.now++
	f.runs++
	f.peak = max(f.peak, f.now)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.now--
		f.mu.Unlock()
	}()
	select { // long enough for the workers to pile up
	case <-time.After(2 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var p struct{ Item json.RawMessage }
	_ = json.Unmarshal(t.Parameters, &p)
	if f.fail[string(p.Item)] {
		return nil, &asl.Failure{Name: "Item.Failed", Cause: "item " + string(p.Item)}
	}
	return json.RawMessage(`{"done":` + string(p.Item) + `}`), nil
}

// mapMachine is a Map over $.items whose body is one Task.
func mapMachine(fields string) string {
	return `{"StartAt":"m","States":{"m":{"Type":"Map","ItemsPath":"$.items",` + fields + `,
	"ItemProcessor":{"StartAt":"work","States":{"work":{"Type":"Task","Resource":"r",
		"Parameters":{"item.$":"$.v","index.$":"$.i"},"End":true}}},"End":true}}}`
}

const mapSelector = `"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index","run.$":"$.run"}`

func items(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprint(i * 10)
	}
	return `{"run":"r1","items":[` + strings.Join(parts, ",") + `]}`
}

func TestMapConcurrency(t *testing.T) {
	cases := []struct {
		name     string
		fields   string
		n, limit int
	}{
		{"limit 1 runs one at a time", `"MaxConcurrency":1`, 6, 1},
		{"limit 3", `"MaxConcurrency":3`, 20, 3},
		{"unbounded inline stays within 40", `"MaxConcurrency":0`, 100, 40},
		{"more room than items", `"MaxConcurrency":50`, 5, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runner := &inFlight{}
			opts, _ := testOptions(runner)
			out, events, err := execute(t, mapMachine(mapSelector+","+c.fields), items(c.n), opts)
			if err != nil {
				t.Fatal(err)
			}
			if runner.peak > c.limit || runner.runs != c.n {
				t.Errorf("%d tasks, at most %d at once; want %d, at most %d", runner.runs, runner.peak, c.n, c.limit)
			}
			var got []map[string]int
			if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != c.n {
				t.Fatalf("output %s, want %d results", out, c.n)
			}
			for i, g := range got {
				if g["done"] != i*10 {
					t.Fatalf("result %d is %v: results must keep item order", i, g)
				}
			}
			if n := len(eventsOf(events, "MapIterationSucceeded")); n != c.n {
				t.Errorf("%d MapIterationSucceeded events, want %d", n, c.n)
			}
		})
	}
}

func TestMapInputs(t *testing.T) {
	cases := []struct {
		name, def, input, want string
	}{
		{"item selector with context and state data", mapMachine(mapSelector), `{"run":"r1","items":["a","b"]}`,
			`[{"item":"a","index":0},{"item":"b","index":1}]`},
		{"items are the iteration input without a selector",
			`{"StartAt":"m","States":{"m":{"Type":"Map","ItemsPath":"$.l","End":true,
			"ItemProcessor":{"StartAt":"p","States":{"p":{"Type":"Pass","Parameters":{"x.$":"$.x"},"End":true}}}}}}`,
			`{"l":[{"x":1},{"x":2}]}`, `[{"x":1},{"x":2}]`},
		{"legacy Parameters and Iterator",
			`{"StartAt":"m","States":{"m":{"Type":"Map","ItemsPath":"$.l","Parameters":{"x.$":"$$.Map.Item.Value","k.$":"$.k"},"End":true,
			"Iterator":{"StartAt":"p","States":{"p":{"Type":"Pass","End":true}}}}}}`,
			`{"l":[1,2],"k":"K"}`, `[{"x":1,"k":"K"},{"x":2,"k":"K"}]`},
		{"empty list", mapMachine(mapSelector), `{"run":"r1","items":[]}`, `[]`},
		{"result path and selector",
			`{"StartAt":"m","States":{"m":{"Type":"Map","ItemsPath":"$.l","ResultPath":"$.out","ResultSelector":{"n.$":"States.ArrayLength($)"},"End":true,
			"ItemProcessor":{"StartAt":"p","States":{"p":{"Type":"Pass","End":true}}}}}}`,
			`{"l":[1,2,3]}`, `{"l":[1,2,3],"out":{"n":3}}`},
		{"batches",
			`{"StartAt":"m","States":{"m":{"Type":"Map","ItemsPath":"$.l","ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"k.$":"$.k"}},"End":true,
			"ItemProcessor":{"StartAt":"p","States":{"p":{"Type":"Pass","End":true}}}}}}`,
			`{"l":[1,2,3],"k":"K"}`, `[{"Items":[1,2],"BatchInput":{"k":"K"}},{"Items":[3],"BatchInput":{"k":"K"}}]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := &recorder{}
			opts, _ := testOptions(rec)
			out, _, err := execute(t, c.def, c.input, opts)
			if err != nil || !jsonEqual(t, out, c.want) {
				t.Fatalf("got %s, %v; want %s", out, err, c.want)
			}
		})
	}
}

func TestMapFailures(t *testing.T) {
	cases := []struct {
		name, fields string
		fail         []string
		n            int
		wantErr      string
		want         string
	}{
		{"an iteration's error fails the map", `"MaxConcurrency":2`, []string{"30"}, 10, "Item.Failed", ""},
		{"tolerated count", `"ToleratedFailureCount":2`, []string{"10", "20"}, 4, "",
			`[{"done":0},{"Error":"Item.Failed","Cause":"item 10"},{"Error":"Item.Failed","Cause":"item 20"},{"done":30}]`},
		{"count exceeded", `"ToleratedFailureCount":1`, []string{"10", "20"}, 4, "States.ExceedToleratedFailureThreshold", ""},
		{"tolerated percentage", `"ToleratedFailurePercentage":50`, []string{"10", "20"}, 4, "", ""},
		{"percentage exceeded", `"ToleratedFailurePercentage":25`, []string{"10", "20"}, 4, "States.ExceedToleratedFailureThreshold", ""},
		{"either threshold exceeded", `"ToleratedFailurePercentage":90,"ToleratedFailureCount":0`, []string{"10"}, 4, "States.ExceedToleratedFailureThreshold", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			runner := &inFlight{fail: map[string]bool{}}
			for _, f := range c.fail {
				runner.fail[f] = true
			}
			opts, _ := testOptions(runner)
			out, events, err := execute(t, mapMachine(mapSelector+","+c.fields), items(c.n), opts)
			if c.wantErr != "" {
				if f := failureOf(t, err); f.Name != c.wantErr {
					t.Fatalf("failure %v, want %s", f, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.want != "" && !jsonEqual(t, out, c.want) {
				t.Errorf("output %s, want %s", out, c.want)
			}
			if n := len(eventsOf(events, "MapIterationFailed")); n != len(c.fail) {
				t.Errorf("%d MapIterationFailed events, want %d", n, len(c.fail))
			}
		})
	}
}

func TestMapStopsOnFailure(t *testing.T) {
	runner := &inFlight{fail: map[string]bool{"0": true}}
	opts, _ := testOptions(runner)
	_, _, err := execute(t, mapMachine(mapSelector+`,"MaxConcurrency":1`), items(50), opts)
	if f := failureOf(t, err); f.Name != "Item.Failed" || runner.runs > 2 {
		t.Errorf("failure %v after %d tasks: the first failure should stop the map", f, runner.runs)
	}
}

func TestMapItemErrors(t *testing.T) {
	cases := []struct{ name, input, want string }{
		{"items path matches nothing", `{"run":"r"}`, "States.Runtime"},
		{"items not an array", `{"run":"r","items":{"a":1}}`, "States.Runtime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := testOptions(&recorder{})
			_, _, err := execute(t, mapMachine(mapSelector), c.input, opts)
			if f := failureOf(t, err); f.Name != c.want {
				t.Errorf("failure %v, want %s", f, c.want)
			}
		})
	}
}

// store is an in-memory Resources.
type store struct {
	mu      sync.Mutex
	objects map[string][]json.RawMessage
	written map[string][]json.RawMessage
	reads   []string
}

func (s *store) ReadItems(ctx context.Context, resource string, params json.RawMessage, format string) ([]json.RawMessage, error) {
	var p struct{ Bucket, Key string }
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads = append(s.reads, resource+" "+format+" "+p.Bucket+"/"+p.Key)
	items, ok := s.objects[p.Bucket+"/"+p.Key]
	if !ok {
		return nil, fmt.Errorf("no object %s/%s", p.Bucket, p.Key)
	}
	return items, nil
}

func (s *store) WriteResults(ctx context.Context, params json.RawMessage, results []json.RawMessage) (json.RawMessage, error) {
	var p struct{ Bucket, Prefix string }
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.written[p.Bucket+"/"+p.Prefix] = results
	return json.RawMessage(`{"ResultWriterDetails":{"Bucket":"` + p.Bucket + `","Key":"` + p.Prefix + `/manifest.json"}}`), nil
}

const distributedMap = `{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"MaxConcurrency":2,
	"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},
		"Parameters":{"Bucket":"b","Key.$":"States.Format('p/{}/items.json', $.run)"}},
	"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
	"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"b","Prefix":"results"}},
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
		"StartAt":"work","States":{"work":{"Type":"Task","Resource":"r","Parameters":{"item.$":"$.v"},"End":true}}}}}}`

func TestDistributedMap(t *testing.T) {
	s := &store{objects: map[string][]json.RawMessage{"b/p/r1/items.json": {json.RawMessage(`"x"`), json.RawMessage(`{"y":1}`)}},
		written: map[string][]json.RawMessage{}}
	opts, _ := testOptions(&recorder{reply: func(tk asl.Task) (json.RawMessage, error) { return tk.Parameters, nil }})
	opts.Resources = s
	out, _, err := execute(t, distributedMap, `{"run":"r1"}`, opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ResultWriterDetails":{"Bucket":"b","Key":"results/manifest.json"}}`; !jsonEqual(t, out, want) {
		t.Errorf("output %s, want %s", out, want)
	}
	if want := "arn:aws:states:::s3:getObject JSON b/p/r1/items.json"; len(s.reads) != 1 || s.reads[0] != want {
		t.Errorf("reads %v, want [%s]", s.reads, want)
	}
	got := s.written["b/results"]
	if len(got) != 2 || !jsonEqual(t, string(got[0]), `{"item":"x"}`) || !jsonEqual(t, string(got[1]), `{"item":{"y":1}}`) {
		t.Errorf("written results %s, want the two iterations' outputs in order", got)
	}
}

func TestDistributedMapErrors(t *testing.T) {
	cases := []struct {
		name      string
		resources asl.Resources
		want      string
	}{
		{"no resources", nil, "States.ItemReaderFailed"},
		{"object missing", &store{objects: map[string][]json.RawMessage{}}, "States.ItemReaderFailed"},
		{"failure passed through", failingStore{}, "S3.NoSuchKeyException"},
		{"item not JSON", &store{objects: map[string][]json.RawMessage{"b/p/r1/items.json": {json.RawMessage(`{`)}}}, "States.ItemReaderFailed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := testOptions(&recorder{})
			opts.Resources = c.resources
			_, _, err := execute(t, distributedMap, `{"run":"r1"}`, opts)
			if f := failureOf(t, err); f.Name != c.want {
				t.Errorf("failure %v, want %s", f, c.want)
			}
		})
	}
}

// failingStore fails every read with a named failure.
type failingStore struct{}

func (failingStore) ReadItems(context.Context, string, json.RawMessage, string) ([]json.RawMessage, error) {
	return nil, &asl.Failure{Name: "S3.NoSuchKeyException", Cause: "no such key"}
}

func (failingStore) WriteResults(context.Context, json.RawMessage, []json.RawMessage) (json.RawMessage, error) {
	return nil, &asl.Failure{Name: "S3.AccessDenied", Cause: "denied"}
}

// TestMapExecutionContext checks what $$.Execution.Input is inside a
// Map: the execution's input in an INLINE iteration, and in a
// DISTRIBUTED one the iteration's input, as Step Functions runs each as
// a child execution of its own.
func TestMapExecutionContext(t *testing.T) {
	for _, c := range []struct{ mode, want string }{
		{"INLINE", `{"items":["x"],"p":{"n":7}}`},
		{"DISTRIBUTED", `{"i":0,"n":1}`},
	} {
		t.Run(c.mode, func(t *testing.T) {
			def := `{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"ItemsPath":"$.items",
	"ItemSelector":{"n":1,"i.$":"$$.Map.Item.Index"},
	"ItemProcessor":{"ProcessorConfig":{"Mode":"` + c.mode + `"},"StartAt":"work","States":{"work":{"Type":"Task","Resource":"r",
		"Parameters":{"given.$":"$$.Execution.Input"},"End":true}}}}}}`
			rec := &recorder{}
			opts, _ := testOptions(rec)
			if _, _, err := execute(t, def, `{"items":["x"],"p":{"n":7}}`, opts); err != nil {
				t.Fatal(err)
			}
			if want := `{"given":` + c.want + `}`; len(rec.tasks) != 1 || !jsonEqual(t, string(rec.tasks[0].Parameters), want) {
				t.Errorf("task parameters %v, want %s", rec.tasks, want)
			}
		})
	}
}
