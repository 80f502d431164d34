package reconcile

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Resolve replaces every placeholder the compiler leaves in specs
// (${aws.region}, ${target.stepFunctionsRoleArn}, ${StateMachine/x.arn})
// by its value in vars, keyed by the whole placeholder. Values are
// inserted inside JSON strings, escaped. A placeholder with no value is an
// error naming it: a spec is never sent to AWS half resolved.
func Resolve(spec json.RawMessage, vars map[string]string) (json.RawMessage, error) {
	var out bytes.Buffer
	rest := []byte(spec)
	for {
		i := bytes.Index(rest, []byte("${"))
		if i < 0 {
			out.Write(rest)
			return out.Bytes(), nil
		}
		j := bytes.IndexByte(rest[i:], '}')
		if j < 0 {
			out.Write(rest)
			return out.Bytes(), nil
		}
		name := string(rest[i : i+j+1])
		v, ok := vars[name]
		if !ok {
			return nil, fmt.Errorf("no value for %s", name)
		}
		quoted, _ := json.Marshal(v)
		out.Write(rest[:i])
		out.Write(quoted[1 : len(quoted)-1])
		rest = rest[i+j+1:]
	}
}
