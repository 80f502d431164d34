package asl_test

import (
	"testing"
)

// choiceMachine goes to "yes" when rule matches, else to "no".
func choiceMachine(rule string) string {
	return `{"StartAt":"c","States":{
	"c":{"Type":"Choice","Choices":[` + rule + `],"Default":"no"},
	"yes":{"Type":"Pass","Result":"yes","End":true},
	"no":{"Type":"Pass","Result":"no","End":true}}}`
}

func TestChoice(t *testing.T) {
	input := `{"s":"abc","n":5,"f":2.5,"b":true,"z":null,"t":"2026-01-02T03:04:05Z","t2":"2026-01-02T03:04:06Z","s2":"abd","n2":5,"star":"a*b","o":{},"long":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`
	cases := []struct {
		rule string
		want string
	}{
		{`"Variable":"$.s","StringEquals":"abc"`, "yes"},
		{`"Variable":"$.s","StringEquals":"abd"`, "no"},
		{`"Variable":"$.s","StringLessThan":"abd"`, "yes"},
		{`"Variable":"$.s","StringGreaterThan":"abd"`, "no"},
		{`"Variable":"$.s","StringLessThanEquals":"abc"`, "yes"},
		{`"Variable":"$.s","StringGreaterThanEquals":"abc"`, "yes"},
		{`"Variable":"$.s","StringEqualsPath":"$.s2"`, "no"},
		{`"Variable":"$.s","StringLessThanPath":"$.s2"`, "yes"},
		{`"Variable":"$.n","StringEquals":"5"`, "no"},
		{`"Variable":"$.s","StringMatches":"a*"`, "yes"},
		{`"Variable":"$.s","StringMatches":"*c"`, "yes"},
		{`"Variable":"$.s","StringMatches":"a*d"`, "no"},
		{`"Variable":"$.star","StringMatches":"a\\*b"`, "yes"},
		{`"Variable":"$.s","StringMatches":"a\\*c"`, "no"},
		{`"Variable":"$.s","StringMatches":"*"`, "yes"},
		{`"Variable":"$.s","StringMatches":"**b**"`, "yes"},
		{`"Variable":"$.s","StringMatches":"a*b*c"`, "yes"},
		{`"Variable":"$.s","StringMatches":"*b"`, "no"},
		{`"Variable":"$.long","StringMatches":"*a*a*a*a*a*a*a*a*a*a*a*b"`, "no"},
		{`"Variable":"$.n","NumericEquals":5`, "yes"},
		{`"Variable":"$.n","NumericEquals":5.0`, "yes"},
		{`"Variable":"$.f","NumericLessThan":3`, "yes"},
		{`"Variable":"$.f","NumericGreaterThan":3`, "no"},
		{`"Variable":"$.n","NumericLessThanEquals":5`, "yes"},
		{`"Variable":"$.n","NumericGreaterThanEquals":6`, "no"},
		{`"Variable":"$.n","NumericEqualsPath":"$.n2"`, "yes"},
		{`"Variable":"$.f","NumericGreaterThanPath":"$.n"`, "no"},
		{`"Variable":"$.s","NumericEquals":5`, "no"},
		{`"Variable":"$.b","BooleanEquals":true`, "yes"},
		{`"Variable":"$.b","BooleanEquals":false`, "no"},
		{`"Variable":"$.b","BooleanEqualsPath":"$.b"`, "yes"},
		{`"Variable":"$.t","TimestampEquals":"2026-01-02T03:04:05Z"`, "yes"},
		{`"Variable":"$.t","TimestampLessThan":"2026-01-02T03:04:05.5Z"`, "yes"},
		{`"Variable":"$.t","TimestampGreaterThan":"2026-01-02T03:04:05Z"`, "no"},
		{`"Variable":"$.t","TimestampLessThanEquals":"2026-01-02T03:04:05Z"`, "yes"},
		{`"Variable":"$.t","TimestampGreaterThanEquals":"2026-01-02T04:04:05+01:00"`, "yes"},
		{`"Variable":"$.t","TimestampLessThanPath":"$.t2"`, "yes"},
		{`"Variable":"$.s","TimestampEquals":"2026-01-02T03:04:05Z"`, "no"},
		{`"Variable":"$.z","IsNull":true`, "yes"},
		{`"Variable":"$.s","IsNull":true`, "no"},
		{`"Variable":"$.s","IsPresent":true`, "yes"},
		{`"Variable":"$.nope","IsPresent":true`, "no"},
		{`"Variable":"$.nope","IsPresent":false`, "yes"},
		{`"Variable":"$.n","IsNumeric":true`, "yes"},
		{`"Variable":"$.s","IsNumeric":false`, "yes"},
		{`"Variable":"$.s","IsString":true`, "yes"},
		{`"Variable":"$.b","IsBoolean":true`, "yes"},
		{`"Variable":"$.t","IsTimestamp":true`, "yes"},
		{`"Variable":"$.s","IsTimestamp":true`, "no"},
		{`"And":[{"Variable":"$.n","NumericEquals":5},{"Variable":"$.b","BooleanEquals":true}]`, "yes"},
		{`"And":[{"Variable":"$.n","NumericEquals":5},{"Variable":"$.b","BooleanEquals":false}]`, "no"},
		{`"Or":[{"Variable":"$.n","NumericEquals":4},{"Variable":"$.b","BooleanEquals":true}]`, "yes"},
		{`"Or":[{"Variable":"$.n","NumericEquals":4},{"Variable":"$.b","BooleanEquals":false}]`, "no"},
		{`"Not":{"Variable":"$.nope","IsPresent":true}`, "yes"},
		{`"Not":{"Not":{"Variable":"$.s","IsString":true}}`, "yes"},
		{`"Variable":"$$.Execution.Name","StringEquals":"run-1"`, "yes"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			opts, _ := testOptions(nil)
			out, _, err := execute(t, choiceMachine(`{`+c.rule+`,"Next":"yes"}`), input, opts)
			if err != nil {
				t.Fatal(err)
			}
			if out != `"`+c.want+`"` {
				t.Errorf("went to %s, want %s", out, c.want)
			}
		})
	}
}

func TestChoiceRouting(t *testing.T) {
	def := `{"StartAt":"c","States":{
	"c":{"Type":"Choice","InputPath":"$.in","OutputPath":"$.keep","Choices":[
		{"Variable":"$.v","NumericLessThan":10,"Next":"small"},
		{"Variable":"$.v","NumericLessThan":100,"Next":"medium"}]},
	"small":{"Type":"Pass","Parameters":{"size":"small","in.$":"$"},"End":true},
	"medium":{"Type":"Pass","Parameters":{"size":"medium","in.$":"$"},"End":true}}}`
	cases := []struct {
		input, want, wantErr string
	}{
		{`{"in":{"v":1,"keep":"k"}}`, `{"size":"small","in":"k"}`, ""}, // both rules match: the first wins
		{`{"in":{"v":50,"keep":"k"}}`, `{"size":"medium","in":"k"}`, ""},
		{`{"in":{"v":500,"keep":"k"}}`, "", "States.NoChoiceMatched"},
		{`{"in":{"keep":"k"}}`, "", "States.Runtime"},
	}
	for _, c := range cases {
		t.Run(c.input, func(t *testing.T) {
			opts, _ := testOptions(nil)
			out, _, err := execute(t, def, c.input, opts)
			if c.wantErr != "" {
				if f := failureOf(t, err); f.Name != c.wantErr {
					t.Errorf("failure %v, want %s", f, c.wantErr)
				}
				return
			}
			if err != nil || !jsonEqual(t, out, c.want) {
				t.Errorf("got %s, %v; want %s", out, err, c.want)
			}
		})
	}
}
