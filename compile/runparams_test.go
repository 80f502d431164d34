package compile_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

func TestCheckParameters(t *testing.T) {
	declared := map[string]dsl.Parameter{
		"epochs":  {Type: dsl.ParamInteger, Default: int64(10)},
		"rate":    {Type: dsl.ParamNumber},
		"dataset": {Type: dsl.ParamString, Required: true},
		"debug":   {Type: dsl.ParamBoolean},
		"shards":  {Type: dsl.ParamList},
		"extra":   {Type: dsl.ParamObject},
		"model":   {Type: dsl.ParamString, Required: true, Default: "m"},
	}
	cases := []struct {
		name  string
		given string // JSON, as the API or the CLI decodes it
		want  []string
	}{
		{"all good", `{"dataset":"s3://d","epochs":20,"rate":0.5,"debug":true,"shards":[1],"extra":{"a":1}}`, nil},
		{"typo", `{"dataset":"d","epoch":20}`, []string{`parameter "epoch" is not declared by the pipeline (did you mean "epochs"?); declared: ["dataset","debug","epochs","extra","model","rate","shards"]`}},
		{"not a whole number", `{"dataset":"d","epochs":2.5}`, []string{`parameter "epochs" must be a whole number, not the number 2.5`}},
		{"string for a number", `{"dataset":"d","epochs":"abc"}`, []string{`parameter "epochs" must be a whole number, not the string "abc"`}},
		{"list given as a string", `{"dataset":"d","shards":"a,b"}`, []string{`parameter "shards" must be a list (as JSON: [1, 2]), not the string "a,b"`}},
		{"boolean", `{"dataset":"d","debug":"yes"}`, []string{`parameter "debug" must be true or false, not the string "yes"`}},
		{"object", `{"dataset":"d","extra":[1]}`, []string{`parameter "extra" must be an object (as JSON: {"k": 1}), not the list [1]`}},
		{"null", `{"dataset":null}`, []string{`parameter "dataset" must be a string, not null`}},
		{"required missing, one with a default is not", `{}`, []string{`parameter "dataset" is required and has no default: give it a value`}},
		{"every problem at once", `{"epochs":"x","zzz":1}`, []string{
			`parameter "epochs" must be a whole number, not the string "x"`,
			`parameter "zzz" is not declared by the pipeline; declared: ["dataset","debug","epochs","extra","model","rate","shards"]`,
			`parameter "dataset" is required and has no default: give it a value`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var given map[string]any
			if err := json.Unmarshal([]byte(c.given), &given); err != nil {
				t.Fatal(err)
			}
			got := compile.CheckParameters(declared, given)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}
