package dsl_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/internal/benchrepo"
)

// TestDecodeAgreesWithJSON checks the direct decoder against
// encoding/json on the same plain values: they must fill the model the
// same way (parameter defaults aside, which JSON turns into float64).
func TestDecodeAgreesWithJSON(t *testing.T) {
	for _, src := range []string{overridden, string(benchrepo.Pipeline(5, 0)), string(benchrepo.Pipeline(7, 3))} {
		doc := mustDoc(t, src)
		for _, env := range []string{"dev", "prod"} {
			spec := doc.Merged(env)["spec"]
			var direct, viaJSON dsl.PipelineSpec
			if err := dsl.Decode(spec, &direct); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(spec)
			if err := json.Unmarshal(b, &viaJSON); err != nil {
				t.Fatal(err)
			}
			for _, p := range []*dsl.PipelineSpec{&direct, &viaJSON} {
				for k, param := range p.Parameters {
					param.Default = nil
					p.Parameters[k] = param
				}
			}
			if !reflect.DeepEqual(direct, viaJSON) {
				t.Errorf("%s: decoders disagree:\n direct %+v\n json   %+v", env, direct, viaJSON)
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		value any
		want  string
	}{
		{map[string]any{"steps": "x"}, "steps: want a list"},
		{map[string]any{"steps": []any{map[string]any{"name": int64(3)}}}, "steps.0.name: want a string"},
		{map[string]any{"resources": map[string]any{"gpu": 1.5}}, "resources.gpu: want a whole number"},
		{map[string]any{"resources": map[string]any{"memory": "lots"}}, "resources.memory: quantity"},
		{map[string]any{"steps": []any{map[string]any{"command": []any{int64(1)}}}}, "steps.0.command: 0: want a string"},
	}
	for _, tc := range tests {
		var spec dsl.PipelineSpec
		err := dsl.Decode(tc.value, &spec)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Decode(%v) = %v, want an error containing %q", tc.value, err, tc.want)
		}
	}
}
