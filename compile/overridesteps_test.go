package compile_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestOverrideStepTypo checks that a step an override adds and nothing
// reaches is reported as a misspelt name, with the closest one, while a
// step an override adds and leads to is a new step.
func TestOverrideStepTypo(t *testing.T) {
	spec := "  steps:\n    - {name: train, next: evaluate}\n    - {name: evaluate}\nenvironments:\n  prod:\n    steps:\n"
	tests := []struct {
		name, override, env string
		want                []string
		msg                 string
	}{
		{name: "misspelt", override: "      - {name: trian, resources: {cpu: 2}}\n", env: "prod",
			want: []string{"33:16 graph.override-step"}, msg: `step "trian", which the pipeline does not have (did you mean "train"?)`},
		{name: "misspelt, other environment", override: "      - {name: trian, resources: {cpu: 2}}\n", env: "dev"},
		{name: "added and reached", override: "      - {name: evaluate, next: report}\n      - {name: report}\n", env: "prod"},
		{name: "added, unreachable, nothing close", override: "      - {name: zzzzzzzz}\n", env: "prod",
			want: []string{"33:16 graph.override-step"}, msg: "does not have; an override adds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := loadRepo(t, "repo.yaml", []byte(base+pipelineDoc(spec+tt.override)))
			_, diags := r.compile(tt.env, "r")
			var got []string
			for _, d := range diags {
				if d.Severity != "warning" {
					got = append(got, fmt.Sprintf("%d:%d %s", d.Pos.Line, d.Pos.Column, d.Code))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("findings %v, want %v (full: %v)", got, tt.want, diags)
			}
			if tt.msg != "" && !strings.Contains(diags[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", diags[0].Message, tt.msg)
			}
		})
	}
}
