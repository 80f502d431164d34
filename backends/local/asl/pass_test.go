package asl_test

import (
	"testing"
)

// passMachine wraps one Pass state's fields in a machine.
func passMachine(fields string) string {
	return `{"StartAt":"p","States":{"p":{"Type":"Pass",` + fields + `,"End":true}}}`
}

func TestPass(t *testing.T) {
	cases := []struct {
		name, fields, input, want string
	}{
		{"input passes through", `"Comment":"x"`, `{"a":1}`, `{"a":1}`},
		{"result replaces input", `"Result":{"x":[1,2]}`, `{"a":1}`, `{"x":[1,2]}`},
		{"result path adds", `"Result":"v","ResultPath":"$.b"`, `{"a":1}`, `{"a":1,"b":"v"}`},
		{"result path creates nested objects", `"Result":3,"ResultPath":"$.x.y['z w']"`, `{"a":1}`, `{"a":1,"x":{"y":{"z w":3}}}`},
		{"result path replaces an array element", `"Result":9,"ResultPath":"$.l[1]"`, `{"l":[1,2,3]}`, `{"l":[1,9,3]}`},
		{"null result path keeps input", `"Result":"v","ResultPath":null`, `{"a":1}`, `{"a":1}`},
		{"input path selects", `"InputPath":"$.a"`, `{"a":{"b":2}}`, `{"b":2}`},
		{"null input path gives {}", `"InputPath":null`, `{"a":1}`, `{}`},
		{"output path selects", `"OutputPath":"$.a.b"`, `{"a":{"b":[7]}}`, `[7]`},
		{"null output path gives {}", `"OutputPath":null`, `{"a":1}`, `{}`},
		{"index and quoted names", `"InputPath":"$['a b'][1]"`, `{"a b":["x","y"]}`, `"y"`},
		{"wildcard collects", `"Parameters":{"v.$":"$.l[*].n"}`, `{"l":[{"n":1},{"n":2},{"m":3}]}`, `{"v":[1,2]}`},
		{"parameters with paths and literals",
			`"Parameters":{"lit":"x","nested":{"v.$":"$.a"},"list":[{"w.$":"$.b"},2]}`, `{"a":1,"b":"q"}`,
			`{"lit":"x","nested":{"v":1},"list":[{"w":"q"},2]}`},
		{"parameters after input path", `"InputPath":"$.in","Parameters":{"v.$":"$.x"}`, `{"in":{"x":5}}`, `{"v":5}`},
		{"result path on the raw input, not the effective one",
			`"InputPath":"$.in","Parameters":{"v.$":"$.x"},"ResultPath":"$.out"`, `{"in":{"x":5}}`, `{"in":{"x":5},"out":{"v":5}}`},
		{"order: input, parameters, result path, output path",
			`"InputPath":"$.in","Parameters":{"v.$":"$.x"},"ResultPath":"$.in.r","OutputPath":"$.in"`, `{"in":{"x":5}}`,
			`{"x":5,"r":{"v":5}}`},
		{"context object", `"Parameters":{"n.$":"$$.Execution.Name","s.$":"$$.State.Name","i.$":"$$.Execution.Input.a","t.$":"$$.Execution.StartTime","e.$":"$$.State.EnteredTime"}`,
			`{"a":1}`, `{"n":"run-1","s":"p","i":1,"t":"2026-01-02T03:04:05.000Z","e":"2026-01-02T03:04:05.000Z"}`},
		{"large integers stay exact", `"Parameters":{"v.$":"$.n"}`, `{"n":12345678901234567890}`, `{"v":12345678901234567890}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := testOptions(nil)
			out, _, err := execute(t, passMachine(c.fields), c.input, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, out, c.want) {
				t.Errorf("output %s, want %s", out, c.want)
			}
		})
	}
}

func TestPassRuntimeErrors(t *testing.T) {
	cases := []struct {
		name, fields, input, want string
	}{
		{"input path matches nothing", `"InputPath":"$.missing"`, `{"a":1}`, "States.Runtime"},
		{"output path matches nothing", `"OutputPath":"$.missing"`, `{"a":1}`, "States.Runtime"},
		{"parameter path matches nothing", `"Parameters":{"v.$":"$.missing"}`, `{"a":1}`, "States.Runtime"},
		{"index out of range", `"Parameters":{"v.$":"$.l[5]"}`, `{"l":[1]}`, "States.Runtime"},
		{"result path through a string", `"Result":1,"ResultPath":"$.a.b"`, `{"a":"s"}`, "States.ResultPathMatchFailure"},
		{"result path past an array's end", `"Result":1,"ResultPath":"$.l[3]"`, `{"l":[]}`, "States.ResultPathMatchFailure"},
		{"intrinsic on the wrong type", `"Parameters":{"v.$":"States.ArrayLength($.a)"}`, `{"a":1}`, "States.IntrinsicFailure"},
		{"intrinsic path matches nothing", `"Parameters":{"v.$":"States.JsonToString($.nope)"}`, `{"a":1}`, "States.Runtime"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := testOptions(nil)
			_, events, err := execute(t, passMachine(c.fields), c.input, opts)
			if f := failureOf(t, err); f.Name != c.want {
				t.Errorf("error %v, want %s", f, c.want)
			}
			if last := events[len(events)-1]; last.Type != "ExecutionFailed" || last.Error != c.want {
				t.Errorf("last event %+v, want ExecutionFailed %s", last, c.want)
			}
		})
	}
}

func TestSucceedAndFail(t *testing.T) {
	cases := []struct {
		name, state, input, want, wantErr, wantCause string
	}{
		{"succeed passes its input", `{"Type":"Succeed"}`, `{"a":1}`, `{"a":1}`, "", ""},
		{"succeed with paths", `{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}`, `{"a":{"b":2}}`, `2`, "", ""},
		{"fail with error and cause", `{"Type":"Fail","Error":"Custom.Bad","Cause":"because"}`, `{}`, "", "Custom.Bad", "because"},
		{"fail with paths", `{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}`, `{"e":"E1","c":"C1"}`, "", "E1", "C1"},
		{"fail path not a string", `{"Type":"Fail","ErrorPath":"$.e"}`, `{"e":1}`, "", "States.Runtime", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := testOptions(nil)
			out, _, err := execute(t, `{"StartAt":"s","States":{"s":`+c.state+`}}`, c.input, opts)
			if c.wantErr == "" {
				if err != nil || !jsonEqual(t, out, c.want) {
					t.Fatalf("got %s, %v; want %s", out, err, c.want)
				}
				return
			}
			f := failureOf(t, err)
			if f.Name != c.wantErr || (c.wantCause != "" && f.Cause != c.wantCause) {
				t.Errorf("failure %+v, want %s: %s", f, c.wantErr, c.wantCause)
			}
		})
	}
}
