package dsl

import "github.com/sluice-dev/sluice"

// Merged returns the document as it stands in env: the override under
// environments.ENV merged over spec, and the environments key dropped. A
// document without an override for env is returned as written, minus
// environments.
//
// Merging follows JSON Merge Patch (RFC 7386) with one addition: a list
// whose items are all mappings with a name (steps, volumes, lifecycle
// rules) merges item by item on that name, new names appended, so an
// override can change one step without repeating the others. Other lists
// are replaced, and a null value removes a key.
func (d *Document) Merged(env string) map[string]any {
	out := make(map[string]any, len(d.Value))
	for k, v := range d.Value {
		if k != "environments" {
			out[k] = v
		}
	}
	patch, ok := d.Overrides()[env]
	if !ok {
		return out
	}
	spec, _ := out["spec"].(map[string]any)
	out["spec"] = mergeValue(spec, patch)
	return out
}

// LocateIn returns where the value at path of the merged document for env
// was written: in the environment's override when it sets it, else in the
// document itself.
func (d *Document) LocateIn(env string, key bool, path ...string) sluice.Position {
	locate := d.Locate
	if key {
		locate = d.LocateKey
	}
	if env != "" && len(path) > 0 && path[0] == "spec" {
		over := append([]string{"environments", env}, path[1:]...)
		if d.Has(over...) {
			return locate(over...)
		}
	}
	return locate(path...)
}

func mergeValue(base any, patch any) any {
	switch p := patch.(type) {
	case map[string]any:
		b, _ := base.(map[string]any)
		out := make(map[string]any, len(b)+len(p))
		for k, v := range b {
			out[k] = v
		}
		for k, v := range p {
			if v == nil {
				delete(out, k)
				continue
			}
			out[k] = mergeValue(out[k], v)
		}
		return out
	case []any:
		if b, ok := base.([]any); ok && namedList(b) && namedList(p) {
			return mergeNamed(b, p)
		}
		return p
	default:
		return patch
	}
}

func namedList(l []any) bool {
	for _, item := range l {
		m, ok := item.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["name"].(string); !ok {
			return false
		}
	}
	return true
}

func mergeNamed(base, patch []any) []any {
	out := make([]any, len(base), len(base)+len(patch))
	copy(out, base)
	index := make(map[string]int, len(base))
	for i, item := range base {
		index[item.(map[string]any)["name"].(string)] = i
	}
	for _, item := range patch {
		name := item.(map[string]any)["name"].(string)
		if i, ok := index[name]; ok {
			out[i] = mergeValue(out[i], item)
			continue
		}
		index[name] = len(out)
		out = append(out, item)
	}
	return out
}

// MergePatch merges patch over base the way environment overrides merge
// (see Merged) and returns the result; neither input is modified.
func MergePatch(base, patch any) any { return mergeValue(base, patch) }
