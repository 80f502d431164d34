package batch

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// generic turns v (raw JSON bytes or any marshalable value) into nested
// map[string]any / []any / scalars.
func generic(v any) (any, error) {
	raw, ok := v.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		raw = b
	}
	var out any
	err := json.Unmarshal(raw, &out)
	return out, err
}

// project restricts observed to the fields desired sets, matching keys
// without regard to case (the SDK's Go field names against the API's
// JSON names) and naming them as desired does. Server defaults the
// desired spec leaves unset thus never show as drift.
func project(desired, observed any) any {
	switch d := desired.(type) {
	case map[string]any:
		o, ok := observed.(map[string]any)
		if !ok {
			return observed
		}
		out := make(map[string]any, len(d))
		for k, dv := range d {
			if ov, ok := lookup(o, k); ok && ov != nil {
				out[k] = project(dv, ov)
			} else if zero(dv) {
				out[k] = dv
			}
		}
		return out
	case []any:
		o, ok := observed.([]any)
		if !ok || len(d) == 0 {
			return observed
		}
		tmpl := union(d)
		out := make([]any, len(o))
		for i, ov := range o {
			out[i] = project(tmpl, ov)
		}
		return out
	default:
		return observed
	}
}

// zero reports whether v is a scalar zero value (0, false, ""), which
// a service may leave out of its answer: observed absent equals desired
// zero.
func zero(v any) bool {
	return v == float64(0) || v == false || v == ""
}

// lookup finds key in m, exactly or else ignoring case.
func lookup(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// union merges the maps of a list into one template holding every key
// any element sets; a list of scalars is its own template.
func union(list []any) any {
	merged := map[string]any{}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return list
		}
		for k, v := range m {
			if prev, ok := merged[k].(map[string]any); ok {
				if vm, ok := v.(map[string]any); ok {
					merged[k] = union([]any{prev, vm})
					continue
				}
			}
			merged[k] = v
		}
	}
	return merged
}

// isSet reports whether the list under key is compared as a set of
// strings.
func isSet(key string) bool {
	switch key {
	case "subnets", "securityGroupIds", "instanceTypes", "platformCapabilities":
		return true
	}
	return false
}

// sortKey names the field that orders the list of objects under key, ""
// when the list's order is meaningful.
func sortKey(key string) string {
	switch key {
	case "secrets", "ulimits":
		return "name"
	case "resourceRequirements":
		return "type"
	case "computeEnvironmentOrder":
		return "order"
	}
	return ""
}

// normalise rewrites v into the canonical form both sides of a
// comparison share: no nulls, empty lists or empty objects; set-valued
// lists sorted; environment variables with empty values dropped (AWS
// drops them); the Fargate platform version LATEST (the default) dropped;
// compute environments in a queue named, not ARN'd.
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n := normaliseField(k, e)
			if !empty(n) {
				out[k] = n
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if n := normalise(e); !empty(n) {
				out = append(out, n)
			}
		}
		return out
	default:
		return v
	}
}

// normaliseField normalises the value of one named field.
func normaliseField(key string, v any) any {
	n := normalise(v)
	list, isList := n.([]any)
	switch {
	case key == "platformVersion" && n == "LATEST":
		return nil
	case key == "computeEnvironment":
		if s, ok := n.(string); ok {
			return s[strings.LastIndex(s, "/")+1:]
		}
	case key == "serviceRole" && serviceLinked(n):
		// The service-linked role is what no role means.
		return nil
	case key == "environment" && isList:
		list = dropEmptyValues(list)
		sortBy(list, "name")
		return list
	case isSet(key) && isList:
		sort.Slice(list, func(i, j int) bool { return less(list[i], list[j]) })
	case sortKey(key) != "" && isList:
		sortBy(list, sortKey(key))
	}
	return n
}

// dropEmptyValues removes name/value pairs whose value is empty.
func dropEmptyValues(list []any) []any {
	out := list[:0]
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && (m["value"] == nil || m["value"] == "") {
			continue
		}
		out = append(out, e)
	}
	return out
}

// sortBy sorts a list of objects by one field.
func sortBy(list []any, field string) {
	key := func(e any) any {
		if m, ok := e.(map[string]any); ok {
			return m[field]
		}
		return e
	}
	sort.SliceStable(list, func(i, j int) bool { return less(key(list[i]), key(list[j])) })
}

// less orders scalars: numbers numerically, the rest by their JSON text.
func less(a, b any) bool {
	if x, ok := a.(float64); ok {
		if y, ok := b.(float64); ok {
			return x < y
		}
	}
	ab, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	return string(ab) < string(bb)
}

// empty reports whether v carries nothing: nil, "", [] or {}.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// changed lists the top-level fields whose normalised values differ
// between desired and observed, sorted: a field desired leaves out
// (null) that observed holds is one of them.
func changed(desired, observed map[string]any) []string {
	var keys []string
	for k, dv := range desired {
		if !reflect.DeepEqual(dv, observed[k]) {
			keys = append(keys, k)
		}
	}
	for k := range observed {
		if _, ok := desired[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// object returns v as an object, or an empty one.
func object(v any) map[string]any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

// decodeSpec parses a spec into its normalised generic object.
func decodeSpec(raw json.RawMessage) (map[string]any, error) {
	g, err := generic(raw)
	if err != nil {
		return nil, err
	}
	return object(normalise(g)), nil
}

// observedSpec projects an SDK description onto the desired spec and
// expresses it in the desired spec's form (see align), as JSON; nil when
// there is no desired spec (a resource being pruned).
func observedSpec(desired json.RawMessage, described any) (json.RawMessage, error) {
	if len(desired) == 0 {
		return nil, nil
	}
	d, err := generic(desired)
	if err != nil {
		return nil, err
	}
	o, err := generic(described)
	if err != nil {
		return nil, err
	}
	return json.Marshal(align("", d, project(d, o)))
}

// align expresses the observed value of field key in the desired form:
// where both sides mean the same (equal once normalised: sets in another
// order, a compute environment by ARN rather than name, an empty
// variable AWS dropped) it is the desired value, so a plain JSON
// comparison with the desired spec sees no drift; elsewhere it is the
// observed value, objects aligned field by field.
func align(key string, desired, observed any) any {
	if reflect.DeepEqual(normaliseField(key, desired), normaliseField(key, observed)) {
		return desired
	}
	d, dok := desired.(map[string]any)
	o, ook := observed.(map[string]any)
	if !dok || !ook {
		return observed
	}
	out := make(map[string]any, len(o))
	for k, ov := range o {
		out[k] = align(k, d[k], ov)
	}
	return out
}

// subset marshals the named fields of m, for decoding into an SDK
// update input.
func subset(m map[string]any, keys []string) ([]byte, error) {
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		out[k] = m[k]
	}
	return json.Marshal(out)
}
