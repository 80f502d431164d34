package reconcile

import (
	"encoding/json"
	"reflect"
)

// SameJSON reports whether two JSON documents mean the same: equal after
// decoding, with null, empty strings, empty lists and empty objects
// treated as absent. Sets (security groups, tag lists) are the backends'
// to normalise: they return observations in the desired spec's shape and
// order. Invalid JSON is never the same as anything.
func SameJSON(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(dropEmpty(va), dropEmpty(vb))
}

func dropEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			if item = dropEmpty(item); item != nil {
				out[k] = item
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = dropEmpty(item)
		}
		return out
	case string:
		if x == "" {
			return nil
		}
	}
	return v
}
