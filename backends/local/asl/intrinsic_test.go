package asl_test

import (
	"regexp"
	"strings"
	"testing"
)

func TestIntrinsics(t *testing.T) {
	input := `{"s":"a,b;c","n":3,"o":{"x":1,"y":{"p":1}},"o2":{"y":{"q":2},"z":3},"l":[1,2,2,3],"j":"{\"k\":[1]}","name":"w"}`
	cases := []struct {
		name, call, want string
	}{
		{"format", `States.Format('s3://b/{}/{}', $.name, $.n)`, `"s3://b/w/3"`},
		{"format escapes", `States.Format('\{\}\'{}\\', $.name)`, `"{}'w\\"`},
		{"format with JSON args", `States.Format('[{}]', $.l)`, `"[[1,2,2,3]]"`},
		{"format with a nested call", `States.Format('{}', States.MathAdd($.n, 1))`, `"4"`},
		{"json to string", `States.JsonToString($.o)`, `"{\"x\":1,\"y\":{\"p\":1}}"`},
		{"string to json", `States.StringToJson($.j)`, `{"k":[1]}`},
		{"json merge shallow", `States.JsonMerge($.o, $.o2, false)`, `{"x":1,"y":{"q":2},"z":3}`},
		{"json merge deep", `States.JsonMerge($.o, $.o2, true)`, `{"x":1,"y":{"p":1,"q":2},"z":3}`},
		{"array", `States.Array($.n, 'x', true, null, 1.5)`, `[3,"x",true,null,1.5]`},
		{"empty array", `States.Array()`, `[]`},
		{"array length", `States.ArrayLength($.l)`, `4`},
		{"array get item", `States.ArrayGetItem($.l, 3)`, `3`},
		{"array contains", `States.ArrayContains($.l, 2)`, `true`},
		{"array unique", `States.ArrayUnique($.l)`, `[1,2,3]`},
		{"array partition", `States.ArrayPartition($.l, 3)`, `[[1,2,2],[3]]`},
		{"array range", `States.ArrayRange(1, 9, 3)`, `[1,4,7]`},
		{"math add", `States.MathAdd($.n, -5)`, `-2`},
		{"string split", `States.StringSplit($.s, ',;')`, `["a","b","c"]`},
		{"base64", `States.Base64Decode(States.Base64Encode('hi'))`, `"hi"`},
		{"hash", `States.Hash('abc', 'SHA-256')`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{"context path argument", `States.Format('{}', $$.Execution.Name)`, `"run-1"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts, _ := testOptions(nil)
			def := passMachine(`"Parameters":{"v.$":` + quoteJSON(c.call) + `},"OutputPath":"$.v"`)
			out, _, err := execute(t, def, input, opts)
			if err != nil {
				t.Fatal(err)
			}
			if !jsonEqual(t, out, c.want) {
				t.Errorf("%s = %s, want %s", c.call, out, c.want)
			}
		})
	}
}

func TestIntrinsicRandom(t *testing.T) {
	opts, _ := testOptions(nil)
	def := passMachine(`"Parameters":{"u.$":"States.UUID()","r.$":"States.MathRandom(5, 8)"}`)
	out, _, err := execute(t, def, `{}`, opts)
	if err != nil {
		t.Fatal(err)
	}
	uuid := regexp.MustCompile(`"u":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"`)
	if !uuid.MatchString(out) || !regexp.MustCompile(`"r":[567]\b`).MatchString(out) {
		t.Errorf("output %s: want a v4 UUID and a number in [5, 8)", out)
	}
}

func TestIntrinsicParseErrors(t *testing.T) {
	cases := []struct{ call, want string }{
		{`States.Nope($.a)`, "unknown intrinsic function"},
		{`States.Format('{} {}', $.a)`, "2 {} for 1 arguments"},
		{`States.Format($.a)`, "literal template"},
		{`States.MathAdd(1)`, "takes 2 arguments"},
		{`States.JsonToString($.a`, "missing )"},
		{`States.Array('x)`, "unclosed string"},
		{`States.Array(1) x`, "unexpected text"},
	}
	for _, c := range cases {
		t.Run(c.call, func(t *testing.T) {
			_, err := parseOnly(passMachine(`"Parameters":{"v.$":` + quoteJSON(c.call) + `}`))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), `state "p": field Parameters`) {
				t.Errorf("Parse error %v, want one naming state p, field Parameters and saying %q", err, c.want)
			}
		})
	}
}
