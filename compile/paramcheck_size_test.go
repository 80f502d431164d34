package compile_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sluice-dev/sluice/compile"
	"github.com/sluice-dev/sluice/dsl"
)

// TestCheckParameterSizes gives values just under and just over each
// limit: the execution input's 262,144 bytes ({"parameters":{"s":"..."}}
// takes 23 bytes besides the string) and the 8,192 characters of the
// container overrides that SLUICE_PARAMETERS alone may not exceed
// ({\"s\":\"...\"} takes 12 besides the string, quotes escaped).
func TestCheckParameterSizes(t *testing.T) {
	const inputLimit, overridesLimit = 262144, 8192
	str := func(n int) map[string]any { return map[string]any{"s": strings.Repeat("a", n)} }
	declared := map[string]dsl.Parameter{
		"s":   {Type: dsl.ParamString},
		"pad": {Type: dsl.ParamString, Default: strings.Repeat("b", 100)},
	}
	// {\"pad\":\"b...b\",  adds 100 + 13 characters to the overrides.
	const padded = 113
	cases := []struct {
		name     string
		declared map[string]dsl.Parameter
		given    map[string]any
		want     []string // substrings, one per expected message
	}{
		{"nothing", nil, nil, nil},
		{"overrides just under", nil, str(overridesLimit - 12), nil},
		{"overrides just over", nil, str(overridesLimit - 11), []string{"SLUICE_PARAMETERS would take 8193 characters", "Batch allows 8192"}},
		{"defaults count", declared, str(overridesLimit - 12 - padded), nil},
		{"defaults push it over", declared, str(overridesLimit - 11 - padded), []string{"SLUICE_PARAMETERS would take 8193 characters"}},
		{"characters, not bytes", nil, map[string]any{"s": strings.Repeat("é", overridesLimit-12)}, nil},
		{"quotes escaped", nil, str(overridesLimit - 13), nil},
		{"a quote is four characters, escaped twice", nil, map[string]any{"s": `"` + strings.Repeat("a", overridesLimit-15)}, []string{"would take 8193 characters"}},
		{"input just under", nil, str(inputLimit - 23), []string{"SLUICE_PARAMETERS"}},
		{"input just over", nil, str(inputLimit - 22), []string{"input takes 262145 bytes", "limited to 262144 (256 KiB)", "artifact store", "distributed foreach", "SLUICE_PARAMETERS"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := compile.CheckParameterSizes(c.declared, c.given)
			all := strings.Join(got, "\n")
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("got %q, want it to contain %q", all, w)
				}
			}
			if len(c.want) == 0 && len(got) > 0 {
				t.Errorf("got %q, want no problem", all)
			}
			if len(c.want) > 0 && len(got) == 0 {
				t.Error("got no problem")
			}
		})
	}
}

// TestCheckParameterSizesMeasuresTheInput checks the 23-byte envelope the
// table above assumes against the JSON a run is started with.
func TestCheckParameterSizesMeasuresTheInput(t *testing.T) {
	b, _ := json.Marshal(map[string]any{"parameters": map[string]any{"s": ""}})
	if len(b) != 23 {
		t.Fatalf("envelope is %d bytes: %s", len(b), b)
	}
}

// TestRunsFit projects SLUICE_PARAMETERS and SLUICE_RUNS as the
// overrides carry them, with 2,048 characters left for the rest of the
// overrides: {} takes 2, {\"p\":\"...\"} 12 besides the string.
func TestRunsFit(t *testing.T) {
	runs := func(n int) json.RawMessage {
		b, _ := json.Marshal(map[string]string{"p": strings.Repeat("x", n)})
		return b
	}
	cases := []struct {
		name         string
		params, runs json.RawMessage
		size         int
		fit          bool
	}{
		{"just under", json.RawMessage(`{}`), runs(6130), 6144, true},
		{"just over", json.RawMessage(`{}`), runs(6131), 6145, false},
		{"parameters count", json.RawMessage(`{"a": "bb"}`), runs(6130), 6142 + 14, false},
		{"indented JSON is measured compact", json.RawMessage("{\n  \"a\": 1\n}"), json.RawMessage(`{}`), 11, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			size, fit := compile.RunsFit(c.params, c.runs)
			if size != c.size || fit != c.fit {
				t.Errorf("RunsFit = %d, %v; want %d, %v", size, fit, c.size, c.fit)
			}
		})
	}
}
