package templates

import (
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestRenderYAML checks each place a placeholder may stand renders to YAML
// that reads back as the value, with its type.
func TestRenderYAML(t *testing.T) {
	values := map[string]any{
		"list": []any{0.5, int64(2), "a b", true}, "ratio": 1.0, "count": int64(3), "on": true,
		"name": "churn", "uri": "s3://b/k: x", "empty": "", "quote": `say "hi"`, "obj": map[string]any{"b": int64(1), "a": "x"},
	}
	tests := []struct {
		in   string
		want any
	}{
		{`v: "${values.list}"`, []any{0.5, 2, "a b", true}},
		{`v: "${values.ratio}"`, 1.0},
		{`v: "${values.count}"`, 3},
		{`v: "${values.on}"`, true},
		{`v: "${values.empty}"`, ""},
		{`v: "${values.uri}"`, "s3://b/k: x"},
		{`v: "${values.obj}"`, map[string]any{"a": "x", "b": 1}},
		{`v: {x: "${values.count}"}`, map[string]any{"x": 3}},
		{`v: ${values.name}`, "churn"},
		{`v: ${values.count}`, 3},
		{`v: role/${values.name}-job`, "role/churn-job"},
		{`v: "model ${values.quote} ${values.count}"`, `model say "hi" 3`},
		{`v: "${project}"`, "demo"},
		{`v: 1 # ${values.list}`, 1},
	}
	for _, tt := range tests {
		out, err := renderYAML(tt.in+"\n", "demo", values)
		if err != nil {
			t.Errorf("renderYAML(%s): %v", tt.in, err)
			continue
		}
		var got map[string]any
		if err := yaml.Unmarshal([]byte(out), &got); err != nil {
			t.Errorf("renderYAML(%s) = %s, not YAML: %v", tt.in, out, err)
			continue
		}
		if !reflect.DeepEqual(got["v"], tt.want) {
			t.Errorf("renderYAML(%s) = %s, reads back as %#v, want %#v", tt.in, out, got["v"], tt.want)
		}
	}
}

func TestRenderYAMLErrors(t *testing.T) {
	values := map[string]any{"list": []any{1.0}}
	tests := []struct{ in, want string }{
		{`v: ${values.nope}`, `line 1: ${values.nope} uses undeclared value "nope"`},
		{`v: 'a ${values.list}'`, "single-quoted"},
		{`v: "a ${values.list}"`, "cannot be placed inside a string"},
	}
	for _, tt := range tests {
		if _, err := renderYAML(tt.in, "demo", values); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("renderYAML(%s) error = %v, want one containing %q", tt.in, err, tt.want)
		}
	}
}
