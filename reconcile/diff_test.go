package reconcile_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/reconcile"
)

// fieldText renders fields as "path: old -> new" lines, "-" for absent.
func fieldText(fs []reconcile.FieldDiff) string {
	var lines []string
	for _, f := range fs {
		old, new := "-", "-"
		if f.Old != nil {
			old = string(f.Old)
		}
		if f.New != nil {
			new = string(f.New)
		}
		line := f.Path + ": " + old + " -> " + new
		if f.Drift {
			line += " (drifted)"
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func TestDiffSpecs(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"same", `{"a":1}`, `{"a":1}`, ``},
		{"empty is absent", `{"a":1,"b":"","c":[],"d":{},"e":null}`, `{"a":1}`, ``},
		{"scalar changed", `{"computeResources":{"maxvCpus":64}}`, `{"computeResources":{"maxvCpus":16}}`,
			`spec.computeResources.maxvCpus: 64 -> 16`},
		{"field removed", `{"lifecycle":{"Rules":[{"ID":"tmp","Expiration":{"Days":7}}]},"versioning":{"Status":"Enabled"}}`, `{"versioning":{"Status":"Enabled"}}`,
			`spec.lifecycle: {"Rules":[{"Expiration":{"Days":7},"ID":"tmp"}]} -> -`},
		{"field added", `{}`, `{"serviceRole":"arn:r"}`, `spec.serviceRole: - -> "arn:r"`},
		{"named items by name", `{"Rules":[{"ID":"a","Days":1},{"ID":"b","Days":2},{"ID":"c","Days":3}]}`,
			`{"Rules":[{"ID":"a","Days":1},{"ID":"c","Days":4}]}`,
			"spec.Rules[ID=b]: {\"Days\":2,\"ID\":\"b\"} -> -\nspec.Rules[ID=c].Days: 3 -> 4"},
		{"named items reordered shown whole", `{"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]}`,
			`{"env":[{"name":"B","value":"2"},{"name":"A","value":"1"}]}`,
			`spec.env: [{"name":"A","value":"1"},{"name":"B","value":"2"}] -> [{"name":"B","value":"2"},{"name":"A","value":"1"}]`},
		{"unnamed items by position", `{"r":[{"type":"VCPU","value":"2"},{"type":"MEMORY","value":"8"}]}`,
			`{"r":[{"type":"VCPU","value":"4"}]}`,
			"spec.r[0].value: \"2\" -> \"4\"\nspec.r[1]: {\"type\":\"MEMORY\",\"value\":\"8\"} -> -"},
		{"plain list whole", `{"subnets":["a","b"]}`, `{"subnets":["a","c"]}`, `spec.subnets: ["a","b"] -> ["a","c"]`},
		{"odd keys quoted", `{"States":{"Sluice.Input":{"Next":"a"}}}`, `{"States":{"Sluice.Input":{"Next":"b"}}}`,
			`spec.States["Sluice.Input"].Next: "a" -> "b"`},
		{"type changed", `{"a":{"b":1}}`, `{"a":[1]}`, `spec.a: {"b":1} -> [1]`},
		{"secrets redacted", `{"secrets":[{"name":"API","valueFrom":"arn:old"}]}`, `{"secrets":[{"name":"API","valueFrom":"arn:new"}]}`,
			`spec.secrets[name=API].valueFrom: "(sensitive)" -> "(sensitive)"`},
		{"password named env value redacted", `{"environment":[{"name":"DB_PASSWORD","value":"x"}]}`, `{"environment":[{"name":"DB_PASSWORD","value":"y"}]}`,
			`spec.environment[name=DB_PASSWORD].value: "(sensitive)" -> "(sensitive)"`},
		{"a boolean is no secret", `{"ManageMasterUserPassword":true}`, `{"ManageMasterUserPassword":false}`,
			`spec.ManageMasterUserPassword: true -> false`},
		{"secret inside a whole value redacted", `{}`, `{"containerProperties":{"image":"i","secrets":[{"name":"A","valueFrom":"arn:s"}]}}`,
			`spec.containerProperties: - -> {"image":"i","secrets":"(sensitive)"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := reconcile.DiffSpecs(json.RawMessage(tc.old), json.RawMessage(tc.new))
			if text := fieldText(got); text != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", text, tc.want)
			}
			if same := reconcile.SameJSON(json.RawMessage(tc.old), json.RawMessage(tc.new)); same != (len(got) == 0) {
				t.Errorf("SameJSON = %v but %d fields differ: the diff and the drift check disagree", same, len(got))
			}
			for _, f := range got {
				for _, v := range []json.RawMessage{f.Old, f.New} {
					for _, secret := range []string{"arn:old", "arn:new", "arn:s", `"x"`, `"y"`} {
						if strings.Contains(string(v), secret) {
							t.Errorf("%s shows the secret %s", f.Path, secret)
						}
					}
				}
			}
		})
	}
}

func TestDiffTags(t *testing.T) {
	old := map[string]string{"team": "ml", "sluice.dev/resource": "Bucket/a", "cost": "1"}
	new := map[string]string{"team": "ml", "cost": "2", "owner": "x"}
	want := "tags.cost: \"1\" -> \"2\"\ntags.owner: - -> \"x\"\ntags[\"sluice.dev/resource\"]: \"Bucket/a\" -> -"
	if got := fieldText(reconcile.DiffTags(old, new)); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if got := reconcile.DiffTags(old, old); len(got) != 0 {
		t.Errorf("same tags differ: %v", got)
	}
}
