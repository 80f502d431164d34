package asl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/backends/local/asl"
)

func TestParseErrors(t *testing.T) {
	pass := `{"Type":"Pass","End":true}`
	cases := []struct {
		name, def, where, field, msg string
	}{
		{"not JSON", `{`, "", "", "not JSON"},
		{"no StartAt", `{"States":{"a":` + pass + `}}`, "", "StartAt", "required"},
		{"StartAt unknown", `{"StartAt":"b","States":{"a":` + pass + `}}`, "", "StartAt", `no state named "b"`},
		{"no states", `{"StartAt":"a","States":{}}`, "", "States", "at least one"},
		{"no type", `{"StartAt":"a","States":{"a":{"End":true}}}`, "a", "Type", "required"},
		{"unknown type", `{"StartAt":"a","States":{"a":{"Type":"Jump","End":true}}}`, "a", "Type", "unknown state type"},
		{"neither Next nor End", `{"StartAt":"a","States":{"a":{"Type":"Pass"}}}`, "a", "Next", "either Next or End"},
		{"both Next and End", `{"StartAt":"a","States":{"a":{"Type":"Pass","Next":"a","End":true}}}`, "a", "Next", "either Next or End"},
		{"Next unknown", `{"StartAt":"a","States":{"a":{"Type":"Pass","Next":"zz"}}}`, "a", "Next", `no state named "zz"`},
		{"bad path", `{"StartAt":"a","States":{"a":{"Type":"Pass","InputPath":"a.b","End":true}}}`, "a", "InputPath", "does not start with $"},
		{"wildcard in ResultPath", `{"StartAt":"a","States":{"a":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}`, "a", "ResultPath", "no wildcard"},
		{"dynamic value not a string", `{"StartAt":"a","States":{"a":{"Type":"Pass","Parameters":{"x.$":1},"End":true}}}`, "a", "Parameters", "must be a string"},
		{"task without resource", `{"StartAt":"a","States":{"a":{"Type":"Task","End":true}}}`, "a", "Resource", "required"},
		{"States.ALL not last", `{"StartAt":"a","States":{"a":{"Type":"Task","Resource":"r","End":true,
			"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}]}}}`, "a", "Retry", "States.ALL must be alone"},
		{"States.ALL not alone", `{"StartAt":"a","States":{"a":{"Type":"Task","Resource":"r","End":true,
			"Catch":[{"ErrorEquals":["States.ALL","X"],"Next":"a"}]}}}`, "a", "Catch", "States.ALL must be alone"},
		{"catch to unknown state", `{"StartAt":"a","States":{"a":{"Type":"Task","Resource":"r","End":true,
			"Catch":[{"ErrorEquals":["X"],"Next":"nowhere"}]}}}`, "a", "Catch", `no state named "nowhere"`},
		{"bad jitter", `{"StartAt":"a","States":{"a":{"Type":"Task","Resource":"r","End":true,
			"Retry":[{"ErrorEquals":["X"],"JitterStrategy":"HALF"}]}}}`, "a", "JitterStrategy", "FULL or NONE"},
		{"choice without rules", `{"StartAt":"a","States":{"a":{"Type":"Choice","Choices":[]}}}`, "a", "Choices", "at least one rule"},
		{"choice unknown operator", `{"StartAt":"a","States":{"a":{"Type":"Choice","Choices":[{"Variable":"$.x","StringIs":"y","Next":"a"}]}}}`,
			"a", "Choices", "unknown comparison operator StringIs"},
		{"choice operand of the wrong type", `{"StartAt":"a","States":{"a":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":"y","Next":"a"}]}}}`,
			"a", "Choices", "NumericEquals needs a number operand"},
		{"choice rule to unknown state", `{"StartAt":"a","States":{"a":{"Type":"Choice","Choices":[{"Variable":"$.x","IsNull":true,"Next":"q"}]}}}`,
			"a", "Choices", `no state named "q"`},
		{"wait with two durations", `{"StartAt":"a","States":{"a":{"Type":"Wait","Seconds":1,"SecondsPath":"$.s","End":true}}}`,
			"a", "Seconds", "exactly one"},
		{"fail with Error and ErrorPath", `{"StartAt":"a","States":{"a":{"Type":"Fail","Error":"E","ErrorPath":"$.e"}}}`,
			"a", "ErrorPath", "not both"},
		{"parallel without branches", `{"StartAt":"a","States":{"a":{"Type":"Parallel","Branches":[],"End":true}}}`,
			"a", "Branches", "at least one branch"},
		{"error inside a branch", `{"StartAt":"a","States":{"a":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"b","States":{"b":{"Type":"Pass","Next":"c"}}}]}}}`, "a/b", "Next", `no state named "c"`},
		{"branch cannot leave its scope", `{"StartAt":"a","States":{"a":{"Type":"Parallel","Next":"z","Branches":[
			{"StartAt":"b","States":{"b":{"Type":"Pass","Next":"z"}}}]},"z":` + pass + `}}`, "a/b", "Next", `no state named "z"`},
		{"map without processor", `{"StartAt":"m","States":{"m":{"Type":"Map","End":true}}}`, "m", "ItemProcessor", "needs an ItemProcessor"},
		{"error inside a map", `{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"x","States":{"x":{"Type":"Task","End":true}}}}}}`,
			"m/x", "Resource", "required"},
		{"tolerance over 100", `{"StartAt":"m","States":{"m":{"Type":"Map","End":true,"ToleratedFailurePercentage":101,
			"ItemProcessor":{"StartAt":"x","States":{"x":` + pass + `}}}}}`, "m", "ToleratedFailurePercentage", "between 0 and 100"},
		{"JSONata", `{"QueryLanguage":"JSONata","StartAt":"a","States":{"a":` + pass + `}}`, "", "QueryLanguage", "only JSONPath"},
		{"JSONata in a state", `{"StartAt":"a","States":{"a":{"Type":"Pass","QueryLanguage":"JSONata","End":true}}}`, "a", "QueryLanguage", "only JSONPath"},
		{"negative timeout", `{"TimeoutSeconds":-1,"StartAt":"a","States":{"a":` + pass + `}}`, "", "TimeoutSeconds", "non-negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := asl.Parse([]byte(c.def))
			var pe *asl.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if pe.Where != c.where || pe.Field != c.field || !strings.Contains(pe.Msg, c.msg) {
				t.Errorf("error %q (where %q, field %q), want where %q, field %q, saying %q", err, pe.Where, pe.Field, c.where, c.field, c.msg)
			}
		})
	}
}
