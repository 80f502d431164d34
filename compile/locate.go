package compile

import (
	"strconv"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// locator finds where a path of a pipeline's merged spec was written.
// Steps merge by name, so the index of a step in the merged list is not
// its index in the document or in the override: the locator translates
// through the step's name.
type locator struct {
	doc   *dsl.Document
	env   string
	steps []dsl.Step // merged
}

func (l *locator) at(path ...string) sluice.Position {
	if len(path) >= 2 && path[0] == "steps" {
		if i, err := strconv.Atoi(path[1]); err == nil && i >= 0 && i < len(l.steps) {
			return l.step(l.steps[i].Name, path[2:])
		}
	}
	return l.doc.LocateIn(l.env, false, append([]string{"spec"}, path...)...)
}

// step locates rest inside the step called name: in the environment's
// override when it sets that path, else in the document's spec, else in
// the override item that added the step.
func (l *locator) step(name string, rest []string) sluice.Position {
	var overItem []string
	if l.env != "" {
		if j := namedIndex(l.doc.Overrides()[l.env]["steps"], name); j >= 0 {
			overItem = []string{"environments", l.env, "steps", strconv.Itoa(j)}
			if p := append(append([]string(nil), overItem...), rest...); l.doc.Has(p...) {
				return l.doc.Locate(p...)
			}
		}
	}
	spec, _ := l.doc.Value()["spec"].(map[string]any)
	if j := namedIndex(spec["steps"], name); j >= 0 {
		return l.doc.Locate(append([]string{"spec", "steps", strconv.Itoa(j)}, rest...)...)
	}
	if overItem != nil {
		return l.doc.Locate(append(overItem, rest...)...)
	}
	return l.doc.LocateIn(l.env, false, "spec", "steps")
}

// keyTag returns the YAML tag of the key at the end of a path of the
// merged spec, looked up where the locator would place it: "" when it
// was not written in this document (a template instance's spec).
func (l *locator) keyTag(path ...string) string {
	if len(path) < 2 || path[0] != "steps" {
		return l.doc.KeyTag(append([]string{"spec"}, path...)...)
	}
	i, err := strconv.Atoi(path[1])
	if err != nil || i < 0 || i >= len(l.steps) {
		return ""
	}
	name, rest := l.steps[i].Name, path[2:]
	if l.env != "" {
		if j := namedIndex(l.doc.Overrides()[l.env]["steps"], name); j >= 0 {
			if tag := l.doc.KeyTag(append([]string{"environments", l.env, "steps", strconv.Itoa(j)}, rest...)...); tag != "" {
				return tag
			}
		}
	}
	spec, _ := l.doc.Value()["spec"].(map[string]any)
	if j := namedIndex(spec["steps"], name); j >= 0 {
		return l.doc.KeyTag(append([]string{"spec", "steps", strconv.Itoa(j)}, rest...)...)
	}
	return ""
}

// namedIndex returns the index of the item called name in a list of
// mappings, or -1.
func namedIndex(list any, name string) int {
	items, _ := list.([]any)
	for i, item := range items {
		if m, ok := item.(map[string]any); ok && m["name"] == name {
			return i
		}
	}
	return -1
}
