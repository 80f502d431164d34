package s3

import (
	"encoding/json"
	"reflect"
	"sort"
)

// isNull reports whether raw is absent or the JSON null.
func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

// generic turns v into its JSON value tree (maps, slices, float64,
// string, bool, nil). It fails only when v cannot be encoded as JSON.
func generic(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(raw, &out)
	return out, err
}

// sameJSON reports whether two JSON documents mean the same value: key
// order and number formatting do not matter. A document that does not
// parse is never the same as anything.
func sameJSON(a, b json.RawMessage) bool {
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// restrict returns observed in the shape of desired: an object keeps
// only desired's keys; a list of objects with an "ID" is matched by ID,
// in desired's order, with observed entries desired lacks after them,
// sorted by ID; other lists are matched by position. A field AWS leaves
// out where desired holds a zero value ("", 0, false, an object of
// zeros) is taken as that zero value, since S3 omits empty elements. A
// field desired holds as null (left out of the document) is null when
// S3 has none (an enumeration the SDK reports as ""), and what S3 has
// otherwise.
func restrict(desired, observed any) any {
	switch d := desired.(type) {
	case map[string]any:
		o, ok := observed.(map[string]any)
		if !ok {
			return stripNulls(observed)
		}
		return restrictObject(d, o)
	case []any:
		o, ok := observed.([]any)
		if !ok {
			return stripNulls(observed)
		}
		if byID(d) && byID(o) {
			return restrictSet(d, o)
		}
		return restrictList(d, o)
	default:
		return observed
	}
}

func restrictObject(d, o map[string]any) map[string]any {
	out := make(map[string]any, len(d))
	for k, dv := range d {
		ov, ok := o[k]
		switch {
		case dv == nil && (!ok || ov == nil || ov == ""):
			out[k] = nil
		case dv == nil:
			out[k] = stripNulls(ov)
		case ok && ov != nil:
			out[k] = restrict(dv, ov)
		case isZero(dv):
			out[k] = dv
		}
	}
	return out
}

func restrictList(d, o []any) []any {
	out := make([]any, len(o))
	for i, ov := range o {
		if i < len(d) {
			out[i] = restrict(d[i], ov)
		} else {
			out[i] = stripNulls(ov)
		}
	}
	return out
}

func restrictSet(d, o []any) []any {
	observed := make(map[string]any, len(o))
	for _, ov := range o {
		observed[idOf(ov)] = ov
	}
	out := make([]any, 0, len(o))
	for _, dv := range d {
		if ov, ok := observed[idOf(dv)]; ok {
			out = append(out, restrict(dv, ov))
			delete(observed, idOf(dv))
		}
	}
	extra := make([]string, 0, len(observed))
	for id := range observed {
		extra = append(extra, id)
	}
	sort.Strings(extra)
	for _, id := range extra {
		out = append(out, stripNulls(observed[id]))
	}
	return out
}

// byID reports whether every element of l is an object with a string ID.
func byID(l []any) bool {
	for _, v := range l {
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["ID"].(string); !ok {
			return false
		}
	}
	return true
}

func idOf(v any) string {
	id, _ := v.(map[string]any)["ID"].(string)
	return id
}

// isZero reports whether v is a JSON zero value or an object of them.
func isZero(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case float64:
		return x == 0
	case bool:
		return !x
	case map[string]any:
		for _, e := range x {
			if !isZero(e) {
				return false
			}
		}
		return true
	default:
		return false
	}
}

// stripNulls removes null fields from objects, recursively.
func stripNulls(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e != nil {
				out[k] = stripNulls(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = stripNulls(e)
		}
		return out
	default:
		return v
	}
}
