package dsl

import (
	"strconv"

	"github.com/sluice-dev/sluice"
)

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
func (d *Document) Merged(env string) map[string]any { return d.mergedFrom(d.read(), env) }

// mergedFrom is Merged on the content c, read once by the caller.
func (d *Document) mergedFrom(c *content, env string) map[string]any {
	out := make(map[string]any, len(c.value))
	for k, v := range c.value {
		if k != "environments" {
			out[k] = v
		}
	}
	if !d.overridden[env] {
		return out
	}
	patch := c.overridesByEnv()[env]
	spec, _ := out["spec"].(map[string]any)
	out["spec"] = mergeValue(spec, patch)
	return out
}

// LocateIn returns where the value at path of the merged document for env
// was written: in the environment's override when it sets it, else in the
// document itself. Indexes into named lists (steps) are indexes of the
// merged list; they are translated by name into the override's list,
// whose order may differ.
func (d *Document) LocateIn(env string, key bool, path ...string) sluice.Position {
	locate := d.Locate
	if key {
		locate = d.LocateKey
	}
	if env != "" && len(path) > 0 && path[0] == "spec" {
		if over, ok := d.overridePath(env, path[1:]); ok && d.Has(over...) {
			return locate(over...)
		}
	}
	return locate(path...)
}

// overridePath maps a path inside the merged spec of env to the same
// value's path inside the override, following named lists by name.
func (d *Document) overridePath(env string, path []string) ([]string, bool) {
	patch, ok := d.Overrides()[env]
	if !ok {
		return nil, false
	}
	out := []string{"environments", env}
	merged := d.Merged(env)["spec"]
	var over any = patch
	for _, seg := range path {
		switch m := merged.(type) {
		case map[string]any:
			merged = m[seg]
			om, _ := over.(map[string]any)
			over = om[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(m) {
				return nil, false
			}
			merged = m[i]
			j := sameNamed(m[i], over)
			if j < 0 {
				return nil, false
			}
			seg = strconv.Itoa(j)
			over = over.([]any)[j]
		default:
			return nil, false
		}
		out = append(out, seg)
	}
	return out, true
}

// sameNamed returns the index in list (a named list of the override) of
// the item named like item, or, for lists that are not named, -1.
func sameNamed(item, list any) int {
	l, ok := list.([]any)
	name, named := lookupName(item)
	if !ok || !named {
		return -1
	}
	for j, o := range l {
		if n, ok := lookupName(o); ok && n == name {
			return j
		}
	}
	return -1
}

func lookupName(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", false
	}
	n, ok := m["name"].(string)
	return n, ok
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
