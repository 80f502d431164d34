package project

import (
	"math"
	"strconv"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
	"github.com/sluice-dev/sluice/graph"
)

// checkPipeline runs the checks a schema cannot express on a pipeline as
// merged for env: the shape of its step graph and the types of its
// parameter defaults and scheduled values.
func checkPipeline(doc *dsl.Document, env string, merged map[string]any) sluice.Diagnostics {
	spec, err := doc.PipelineSpec(env)
	if err != nil {
		return sluice.Diagnostics{docError(doc, env, doc.LocateIn(env, false, "spec"), "pipeline.decode", "%v", err)}
	}
	at := func(path ...string) sluice.Position {
		return doc.LocateIn(env, false, append([]string{"spec"}, path...)...)
	}
	_, diags := graph.Build(spec, at)
	diags = graph.OverrideTypos(doc, env, spec, at, diags)
	raw, _ := merged["spec"].(map[string]any)
	diags = append(diags, checkParameters(spec, raw, at)...)
	for i := range diags {
		diags[i].Document, diags[i].Env = doc.ID(), env
	}
	return diags
}

// checkParameters compares parameter defaults and scheduled values with
// the declared types. It reads the values from raw (the merged spec as
// plain values), where integers are still told apart from other numbers.
func checkParameters(spec *dsl.PipelineSpec, raw map[string]any, at func(path ...string) sluice.Position) sluice.Diagnostics {
	var diags sluice.Diagnostics
	for _, name := range sortedKeys(spec.Parameters) {
		p := spec.Parameters[name]
		def, set := lookup(raw, "parameters", name, "default")
		if set && def != nil && !ofType(p.Type, def) {
			diags = append(diags, sluice.Errorf(at("parameters", name, "default"), "parameter.default-type",
				"default of parameter %q must be of type %s, not %s", name, p.Type, typeName(def)))
		}
	}
	if spec.Schedule == nil {
		return diags
	}
	for _, name := range sortedKeys(spec.Schedule.Parameters) {
		v, _ := lookup(raw, "schedule", "parameters", name)
		p, ok := spec.Parameters[name]
		switch {
		case !ok:
			diags = append(diags, sluice.Errorf(at("schedule", "parameters", name), "parameter.unknown",
				"the schedule sets parameter %q, which the pipeline does not declare%s", name, dsl.DidYouMean(name, sortedKeys(spec.Parameters))))
		case !ofType(p.Type, v):
			diags = append(diags, sluice.Errorf(at("schedule", "parameters", name), "parameter.type",
				"the schedule sets parameter %q to %s, but it is of type %s", name, typeName(v), p.Type))
		}
	}
	return diags
}

// ofType reports whether v, a plain value as dsl produces it, fits the
// parameter type t.
func ofType(t string, v any) bool {
	switch t {
	case dsl.ParamString:
		_, ok := v.(string)
		return ok
	case dsl.ParamInteger:
		switch n := v.(type) {
		case int64:
			return true
		case float64:
			return n == math.Trunc(n)
		}
		return false
	case dsl.ParamNumber:
		switch v.(type) {
		case int64, float64:
			return true
		}
		return false
	case dsl.ParamBoolean:
		_, ok := v.(bool)
		return ok
	case dsl.ParamList:
		_, ok := v.([]any)
		return ok
	case dsl.ParamObject:
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	}
	return "an unknown value"
}

// lookup follows keys through nested mappings and lists (by index) of
// plain values.
func lookup(v any, keys ...string) (any, bool) {
	for _, k := range keys {
		switch c := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = c[k]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}
