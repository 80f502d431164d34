package reconcile

import (
	"encoding/json"
	"fmt"
	"regexp"
)

// placeholderRE matches the placeholders the compiler leaves in specs:
// ${aws.region}, ${target.stepFunctionsRoleArn}, ${StateMachine/x.arn}.
var placeholderRE = regexp.MustCompile(`\$\{[A-Za-z0-9_./-]+\}`)

// Resolve replaces every placeholder in spec by its value in vars (keyed
// by the whole placeholder, "${aws.region}"). Values are inserted inside
// JSON strings, escaped. A placeholder with no value is an error naming
// it: a spec is never sent to AWS half resolved.
func Resolve(spec json.RawMessage, vars map[string]string) (json.RawMessage, error) {
	var missing string
	out := placeholderRE.ReplaceAllFunc(spec, func(p []byte) []byte {
		v, ok := vars[string(p)]
		if !ok {
			if missing == "" {
				missing = string(p)
			}
			return p
		}
		quoted, _ := json.Marshal(v)
		return quoted[1 : len(quoted)-1]
	})
	if missing != "" {
		return nil, fmt.Errorf("no value for %s", missing)
	}
	return out, nil
}
