package reconcile

import (
	"slices"
	"strings"
)

// diffLists compares lists of objects item by item: by name when both are
// lists of named items, else by position. It returns false for lists of
// plain values, which are compared whole.
func (d *differ) diffLists(old, new []any) bool {
	if !allObjects(old) || !allObjects(new) {
		return false
	}
	if key := nameKey(old, new); key != "" {
		oldBy, newBy := byName(old, key), byName(new, key)
		if !sameOrder(namesOf(old, key), namesOf(new, key), oldBy, newBy) {
			return false
		}
		names := namesOf(old, key)
		for _, item := range new {
			if name := item.(map[string]any)[key].(string); oldBy[name] == nil {
				names = append(names, name)
			}
		}
		for _, name := range names {
			d.into(step{key: name, nameKey: key}, nilIfMissing(oldBy, name), nilIfMissing(newBy, name))
		}
		return true
	}
	for i := range max(len(old), len(new)) {
		var o, n any
		if i < len(old) {
			o = old[i]
		}
		if i < len(new) {
			n = new[i]
		}
		d.into(step{index: i}, o, n)
	}
	return true
}

// sameOrder reports whether the names both lists hold come in the same
// order in each: a list reordered is shown whole.
func sameOrder(old, new []string, oldBy, newBy map[string]map[string]any) bool {
	var a, b []string
	for _, n := range old {
		if newBy[n] != nil {
			a = append(a, n)
		}
	}
	for _, n := range new {
		if oldBy[n] != nil {
			b = append(b, n)
		}
	}
	return slices.Equal(a, b)
}

func nilIfMissing(m map[string]map[string]any, name string) any {
	if v, ok := m[name]; ok {
		return v
	}
	return nil
}

// nameText is a named item's name as a path shows it: quoted when it
// would be ambiguous.
func nameText(name string) string {
	if name == "" || strings.ContainsAny(name, `[]"= `) {
		return string(jsonOf(name))
	}
	return name
}

func allObjects(list []any) bool {
	for _, item := range list {
		if _, ok := item.(map[string]any); !ok {
			return false
		}
	}
	return true
}

// nameKeys are the keys that name an item of a list, in the order tried.
func nameKeys() []string { return []string{"name", "Name", "ID", "Id", "id"} }

// nameKey returns the key naming every item of both lists uniquely, ""
// when there is none.
func nameKey(old, new []any) string {
	for _, k := range nameKeys() {
		if namedBy(old, k) && namedBy(new, k) {
			return k
		}
	}
	return ""
}

func namedBy(list []any, key string) bool {
	seen := make(map[string]bool, len(list))
	for _, item := range list {
		name, ok := item.(map[string]any)[key].(string)
		if !ok || seen[name] {
			return false
		}
		seen[name] = true
	}
	return true
}

func byName(list []any, key string) map[string]map[string]any {
	out := make(map[string]map[string]any, len(list))
	for _, item := range list {
		m := item.(map[string]any)
		out[m[key].(string)] = m
	}
	return out
}

func namesOf(list []any, key string) []string {
	out := make([]string, len(list))
	for i, item := range list {
		out[i] = item.(map[string]any)[key].(string)
	}
	return out
}
