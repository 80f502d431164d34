package templates_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/templates"
)

const image = "registry.example.com/ml/train:2"

func TestInstantiate(t *testing.T) {
	tests := []struct {
		name     string
		template string
		values   map[string]any
		// at is a path into the spec and want the value expected there.
		at   []string
		want any
	}{
		{"required value", "training", map[string]any{"image": image}, []string{"image"}, image},
		{"default list keeps its type", "training", map[string]any{"image": image},
			[]string{"parameters", "learningRates", "default"}, []any{0.01, 0.03, 0.1, 0.3}},
		{"given list", "training", map[string]any{"image": image, "learningRates": []any{0.5, int64(1)}},
			[]string{"parameters", "learningRates", "default"}, []any{0.5, int64(1)}},
		{"given string in a step", "training", map[string]any{"image": image, "gpuCompute": "gpu-ondemand"},
			[]string{"steps", "1", "compute"}, "gpu-ondemand"},
		{"number given as an integer", "training", map[string]any{"image": image, "minAccuracy": int64(1)},
			[]string{"parameters", "minAccuracy", "default"}, int64(1)},
		{"integer in a foreach", "batch-prediction", map[string]any{"image": image, "concurrency": int64(20)},
			[]string{"steps", "1", "foreach", "concurrency"}, int64(20)},
		{"whole float as an integer", "batch-prediction", map[string]any{"image": image, "shardSize": 250.0},
			[]string{"parameters", "shardSize", "default"}, int64(250)},
		{"Go int", "data-processing", map[string]any{"image": image, "minRows": 10},
			[]string{"parameters", "minRows", "default"}, int64(10)},
		{"null means the default", "data-processing", map[string]any{"image": image, "minRows": nil},
			[]string{"parameters", "minRows", "default"}, int64(100)},
		{"empty string default", "model-deployment", map[string]any{"image": image},
			[]string{"parameters", "servingPrefix", "default"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := templates.Instantiate(tt.template, tt.values)
			if err != nil {
				t.Fatal(err)
			}
			if got := at(spec, tt.at); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("spec at %v = %#v, want %#v", tt.at, got, tt.want)
			}
			var typed dsl.PipelineSpec
			if err := dsl.Decode(spec, &typed); err != nil {
				t.Errorf("spec does not decode as a pipeline: %v", err)
			}
		})
	}
}

// at follows a path of keys and list indexes into plain values.
func at(v any, path []string) any {
	for _, seg := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			i := int(seg[0] - '0')
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func TestInstantiateErrors(t *testing.T) {
	tests := []struct {
		name     string
		template string
		values   map[string]any
		code     string
		value    string
		want     string
	}{
		{"unknown template", "trainin", nil, templates.CodeUnknownTemplate, "",
			`unknown template "trainin" (did you mean "training"?)`},
		{"unknown value", "training", map[string]any{"image": image, "imgae": "x"}, templates.CodeUnknownValue, "imgae",
			`template "training" has no value "imgae" (did you mean "image"?); its values are artifactStore, compute, gpuCompute, image, learningRates, minAccuracy and modelName`},
		{"missing required value", "training", map[string]any{"learningRates": []any{0.1}}, templates.CodeMissingValue, "image",
			`template "training" needs a value for "image" (Container image with Python 3 and this template's steps/ folder): add it under spec.template.values`},
		{"string for a list", "training", map[string]any{"image": image, "learningRates": "0.1, 0.2"}, templates.CodeValueType, "learningRates",
			`template "training": value "learningRates" must be a list, not a string ("0.1, 0.2")`},
		{"fraction for an integer", "batch-prediction", map[string]any{"image": image, "shardSize": 2.5}, templates.CodeValueType, "shardSize",
			`value "shardSize" must be an integer, not a number (2.5)`},
		{"string for a number", "model-deployment", map[string]any{"image": image, "minAccuracy": "0.9"}, templates.CodeValueType, "minAccuracy",
			`value "minAccuracy" must be a number, not a string ("0.9")`},
		{"number for a string", "training", map[string]any{"image": int64(3)}, templates.CodeValueType, "image",
			`value "image" must be a string, not an integer (3)`},
		{"object for a string", "training", map[string]any{"image": map[string]any{"uri": image}}, templates.CodeValueType, "image",
			`value "image" must be a string, not an object`},
		{"unknown before missing", "training", map[string]any{"zzz": 1}, templates.CodeUnknownValue, "zzz", `no value "zzz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, err := templates.Instantiate(tt.template, tt.values)
			var te *templates.Error
			if !errors.As(err, &te) {
				t.Fatalf("Instantiate error = %v (spec %v), want a *templates.Error", err, spec)
			}
			if te.Code != tt.code || te.Value != tt.value || te.Template != tt.template || !strings.Contains(te.Message, tt.want) {
				t.Errorf("error = {%s %s %s %q}, want {%s %s %s ...%q...}",
					te.Code, te.Template, te.Value, te.Message, tt.code, tt.template, tt.value, tt.want)
			}
		})
	}
}

// TestInstantiateCopiesValues checks a returned spec shares nothing with
// the values given, nor with another instance.
func TestInstantiateCopiesValues(t *testing.T) {
	rates := []any{0.1, 0.2}
	values := map[string]any{"image": image, "learningRates": rates}
	first, err := templates.Instantiate("training", values)
	if err != nil {
		t.Fatal(err)
	}
	at(first, []string{"parameters", "learningRates", "default"}).([]any)[0] = 99.0
	at(first, []string{"env"}).(map[string]any)["EXTRA"] = "x"
	second, err := templates.Instantiate("training", values)
	if err != nil {
		t.Fatal(err)
	}
	if rates[0] != 0.1 || at(second, []string{"parameters", "learningRates", "default"}).([]any)[0] != 0.1 {
		t.Errorf("changing one instance changed the values given or another instance: %v", rates)
	}
	if _, leaked := at(second, []string{"env"}).(map[string]any)["EXTRA"]; leaked {
		t.Error("instances share their maps")
	}
	if _, ok := second["environments"]; ok {
		t.Error("the spec carries the template's environments")
	}
}
