package compile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/sluice-dev/sluice/dsl"
)

// CheckParameterSizes checks, before a run starts, that its parameters
// fit the limits AWS sets on what the run sends: the execution's input
// ({"parameters": given}, as the daemon and the CLI start it) within
// Step Functions' 256 KiB, and SLUICE_PARAMETERS (the parameters merged
// over the declared defaults, as JSON inside the JSON string of each
// job's container overrides) within the 8,192 characters Batch allows
// for the whole overrides. The overrides also hold the command and the
// other variables, so a value that passes may still be refused by Batch;
// one that fails here certainly would be. declared may be nil when the
// deployed declarations are unknown: the given values alone are then
// measured, which never exceeds the merged size. It returns one message
// per exceeded limit, none when both fit.
func CheckParameterSizes(declared map[string]dsl.Parameter, given map[string]any) []string {
	var out []string
	input, err := json.Marshal(map[string]any{"parameters": orEmptyMap(given)})
	if err != nil {
		return []string{fmt.Sprintf("the parameters cannot be written as JSON: %v", err)}
	}
	if len(input) > maxPayloadBytes {
		out = append(out, fmt.Sprintf("the run's input takes %d bytes; a Step Functions execution's input is limited to %d (256 KiB): "+
			"pass a large list as a file in the artifact store and its path as the parameter, or split the work with a distributed foreach",
			len(input), maxPayloadBytes))
	}
	merged := map[string]any{}
	for name, prm := range declared {
		if prm.Default != nil {
			merged[name] = prm.Default
		}
	}
	for name, v := range given {
		merged[name] = v
	}
	value, err := compactJSON(merged)
	if err != nil {
		return append(out, fmt.Sprintf("the parameters cannot be written as JSON: %v", err))
	}
	// As the overrides carry it: a JSON string, without its quotes.
	quoted, _ := compactJSON(string(value))
	if size := utf8.RuneCount(quoted) - 2; size > maxOverrides {
		out = append(out, fmt.Sprintf("SLUICE_PARAMETERS would take %d characters of each job's container overrides; Batch allows %d for the whole overrides: "+
			"pass a large list as a file in the artifact store and its path as the parameter, or give the list to a distributed foreach",
			size, maxOverrides))
	}
	return out
}

// compactJSON is v as compact JSON without the HTML escapes of
// json.Marshal, as Step Functions' States.JsonToString writes it.
func compactJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func orEmptyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// CheckRun returns every problem a run's parameters meet, as each way of
// starting a run (the daemon's API and page, `sluice run --backend
// local`) checks them before anything runs. With the pipeline's
// declarations known (spec from RunDeclarations), that is
// CheckParameters, each list against the foreach over it (ItemLimit),
// and CheckParameterSizes with the defaults merged in; without them (spec
// nil), only the sizes of what was given, which understates the merged
// size and never refuses a run that fits.
func CheckRun(spec *RunSpec, given map[string]any) []string {
	if spec == nil {
		return CheckParameterSizes(nil, given)
	}
	return spec.check(given, given)
}

// runsReserve is what RunsFit leaves, of a job's container overrides,
// for the command and the variables other than SLUICE_PARAMETERS and
// SLUICE_RUNS (the compiler refuses a step whose overrides, with the
// parameters' defaults, do not fit: see overrides).
const runsReserve = 2048

// RunsFit projects the characters SLUICE_PARAMETERS and SLUICE_RUNS take
// in each job's container overrides, both JSON inside a JSON string:
// params, the run's parameters with the defaults merged, and runs, the
// object the daemon hands the run at sluice.runs. It reports whether
// they fit Batch's 8,192 characters with runsReserve left for the rest;
// when they do not, the daemon starts the run without runs (the steps
// get SLUICE_RUNS={}) rather than have Batch refuse its jobs.
func RunsFit(params, runs json.RawMessage) (int, bool) {
	size := overrideChars(params) + overrideChars(runs)
	return size, size+runsReserve <= maxOverrides
}

// overrideChars is the characters of the JSON value v as container
// overrides carry it: compacted, inside a JSON string, without its
// quotes.
func overrideChars(v json.RawMessage) int {
	var buf bytes.Buffer
	if len(v) == 0 || json.Compact(&buf, v) != nil {
		return len(v)
	}
	quoted, _ := compactJSON(buf.String())
	return utf8.RuneCount(quoted) - 2
}
