package compile

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/sluice-dev/sluice/dsl"
)

// CheckParameters checks the parameter values a run is to start with
// (from the command line, the API or a schedule) against the pipeline's
// declared parameters: every name must be declared (with a "did you
// mean" for a near miss), every value of its parameter's type, and every
// required parameter without a default given. It returns one message per
// problem (undeclared names and wrong types in name order, then missing
// required parameters), none when the values can start a run; the same
// messages serve every way a run starts.
func CheckParameters(declared map[string]dsl.Parameter, given map[string]any) []string {
	problems := parameterProblems(declared, given)
	out := make([]string, len(problems))
	for i, pr := range problems {
		out[i] = pr.message
	}
	return out
}

// paramProblem is one problem of a run's parameters; name is the
// parameter it concerns.
type paramProblem struct {
	name, message string
	missing       bool
}

func parameterProblems(declared map[string]dsl.Parameter, given map[string]any) []paramProblem {
	names := sortedKeys(declared)
	var out []paramProblem
	for _, name := range sortedKeys(given) {
		prm, ok := declared[name]
		if !ok {
			out = append(out, paramProblem{name: name, message: fmt.Sprintf("parameter %q is not declared by the pipeline%s; declared: %s",
				name, dsl.DidYouMean(name, names), declaredList(names))})
			continue
		}
		if want := typeProblem(prm.Type, given[name]); want != "" {
			out = append(out, paramProblem{name: name,
				message: fmt.Sprintf("parameter %q must be %s, not %s", name, want, describeValue(given[name]))})
		}
	}
	for _, name := range names {
		prm := declared[name]
		if _, ok := given[name]; !ok && prm.Required && prm.Default == nil {
			out = append(out, paramProblem{name: name, missing: true,
				message: fmt.Sprintf("parameter %q is required and has no default: give it a value", name)})
		}
	}
	return out
}

func declaredList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	b, _ := json.Marshal(names)
	return string(b)
}

// typeProblem returns what a value of the type must be ("a whole
// number"), or "" when v is one.
func typeProblem(typ string, v any) string {
	f, isNum := number(v)
	switch typ {
	case dsl.ParamString:
		if _, ok := v.(string); !ok {
			return "a string"
		}
	case dsl.ParamInteger:
		if !isNum || f != math.Trunc(f) {
			return "a whole number"
		}
	case dsl.ParamNumber:
		if !isNum {
			return "a number"
		}
	case dsl.ParamBoolean:
		if _, ok := v.(bool); !ok {
			return "true or false"
		}
	case dsl.ParamList:
		if _, ok := v.([]any); !ok {
			return "a list (as JSON: [1, 2])"
		}
	case dsl.ParamObject:
		if _, ok := v.(map[string]any); !ok {
			return `an object (as JSON: {"k": 1})`
		}
	}
	return ""
}

// number returns v as a float64 when it is a number of any Go type JSON
// or YAML decoding yields.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, !math.IsInf(n, 0) && !math.IsNaN(n)
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// describeValue names a value's type and shows it, cut short.
func describeValue(v any) string {
	kind := "a value"
	switch v.(type) {
	case nil:
		return "null"
	case string:
		kind = "the string"
	case bool:
		kind = "the boolean"
	case float64, int, int64, json.Number:
		kind = "the number"
	case []any:
		kind = "the list"
	case map[string]any:
		kind = "the object"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return kind
	}
	s := string(b)
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return kind + " " + s
}
