package schema_test

import (
	"strings"
	"testing"
)

func TestValidateEnvs(t *testing.T) {
	v := MustValidator(t)
	path := "testdata/invalid/override.yaml"
	doc := MustParse(t, path, readFile(t, path)).Documents[0]
	tests := []struct {
		envs []string
		want []string
	}{
		// timeout is wrong as written: once, without an environment; the
		// override of prod is wrong in prod only.
		{[]string{"dev", "prod"}, []string{"schema.pattern@", "schema.minimum@prod", "schema.required@prod", "schema.unknown-field@prod"}},
		{[]string{"dev"}, []string{"schema.pattern@dev"}},
		{nil, []string{"schema.pattern@", "schema.type@"}},
	}
	for _, tt := range tests {
		var got []string
		for _, d := range v.ValidateEnvs(doc, tt.envs) {
			got = append(got, d.Code+"@"+d.Env)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("ValidateEnvs(%v) = %v, want %v", tt.envs, got, tt.want)
		}
	}
}
