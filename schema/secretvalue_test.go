package schema_test

import (
	"strings"
	"testing"
)

// TestSecretValueNotEchoed checks that a finding about a value that may
// be a secret (under secrets, or in a field named like one) still says
// what is wrong, but never repeats the value.
func TestSecretValueNotEchoed(t *testing.T) {
	v := MustValidator(t)
	tests := []struct {
		name, spec, secret, code string
	}{
		{"plain secret", "  secrets: {DB_PASSWORD: hunter2-plain}\n", "hunter2-plain", "schema.pattern"},
		{"secret of a step", "  steps: [{name: a, secrets: {TOKEN: s3cr3t-value}}]\n", "s3cr3t-value", "schema.pattern"},
		{"number as a secret", "  secrets: {API_KEY: 271828182845}\n", "271828182845", "schema.type"},
		{"long secret", "  secrets: {KEY: " + strings.Repeat("k", 80) + "}\n", strings.Repeat("k", 40), "schema.pattern"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n" + tt.spec
			if !strings.Contains(tt.spec, "steps") {
				src += "  steps: [{name: a}]\n"
			}
			doc := MustParse(t, "p.yaml", []byte(src)).Documents[0]
			diags := v.Validate(doc, "", doc.Value())
			if len(diags) == 0 || diags[0].Code != tt.code {
				t.Fatalf("findings %v, want %s", diags, tt.code)
			}
			for _, d := range diags {
				if strings.Contains(d.Message, tt.secret) {
					t.Errorf("finding echoes the secret: %s", d.Message)
				}
			}
			if !strings.Contains(diags[0].Message, "not shown") {
				t.Errorf("finding %q does not say the value is left out", diags[0].Message)
			}
		})
	}
	// A value that is no secret is still quoted, as a hint.
	doc := MustParse(t, "p.yaml", []byte("apiVersion: sluice.dev/v1\nkind: Pipeline\nmetadata: {name: p}\nspec:\n  timeout: tenminutes\n  steps: [{name: a}]\n")).Documents[0]
	if diags := v.Validate(doc, "", doc.Value()); len(diags) == 0 || !strings.Contains(diags[0].Message, `"tenminutes"`) {
		t.Errorf("findings %v, want the bad duration quoted", diags)
	}
}
