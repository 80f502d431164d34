package awsapi

import "encoding/json"

// Restrict returns observed (a JSON object) keeping only the keys desired
// (a JSON object in the same shape) sets, recursively through objects and
// through lists of the same length, so that server defaults of fields the
// desired spec leaves unset are not drift. The top-level keys named in
// whole are kept entire (a document compared as a whole). When desired is
// empty or not an object, observed is returned as is. It fails when
// observed is not a JSON object.
func Restrict(observed, desired json.RawMessage, whole ...string) (json.RawMessage, error) {
	var o, d map[string]any
	if err := json.Unmarshal(observed, &o); err != nil {
		return nil, err
	}
	if len(desired) == 0 || json.Unmarshal(desired, &d) != nil || len(d) == 0 {
		return observed, nil
	}
	out := map[string]any{}
	for k, dv := range d {
		ov, ok := o[k]
		if !ok {
			continue
		}
		if !contains(whole, k) {
			ov = restrictValue(ov, dv)
		}
		out[k] = ov
	}
	return json.Marshal(out)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// restrictValue keeps of o the object keys d has, recursing into objects
// and into lists of the same length.
func restrictValue(o, d any) any {
	switch dv := d.(type) {
	case map[string]any:
		om, ok := o.(map[string]any)
		if !ok {
			return o
		}
		out := map[string]any{}
		for k, sub := range dv {
			if v, ok := om[k]; ok {
				out[k] = restrictValue(v, sub)
			}
		}
		return out
	case []any:
		ol, ok := o.([]any)
		if !ok || len(ol) != len(dv) {
			return o
		}
		out := make([]any, len(ol))
		for i := range ol {
			out[i] = restrictValue(ol[i], dv[i])
		}
		return out
	}
	return o
}
