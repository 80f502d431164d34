package schema

import (
	"strconv"

	"github.com/sluice-dev/sluice"
	"github.com/sluice-dev/sluice/dsl"
)

// locator finds where a value of a document, as validated, was written.
// For a merged environment it looks in the environment's override first,
// following lists of named items by name: item 3 of the merged steps may be
// item 0 of the override's.
type locator struct {
	doc  *dsl.Document
	env  string
	spec any // the validated spec: merged when env is set
}

// pos returns the position of the value at path, or of its key when key is
// set (unknown fields, fields that may not be set).
func (l locator) pos(key bool, path []string) sluice.Position {
	locate := l.doc.Locate
	if key {
		locate = l.doc.LocateKey
	}
	if l.env != "" && len(path) > 0 && path[0] == "spec" {
		if over, ok := overridePath(l.doc.Overrides()[l.env], l.spec, path[1:]); ok {
			full := append([]string{"environments", l.env}, over...)
			if l.doc.Has(full...) {
				return locate(full...)
			}
		}
	}
	return locate(path...)
}

// overridePath translates a path of the merged spec into the same place in
// the override, or reports false when the override does not set it.
func overridePath(over map[string]any, merged any, rest []string) ([]string, bool) {
	if over == nil {
		return nil, false
	}
	var cur any = over
	out := make([]string, 0, len(rest))
	for _, seg := range rest {
		switch o := cur.(type) {
		case map[string]any:
			next, ok := o[seg]
			if !ok {
				return nil, false
			}
			cur, merged = next, childValue(merged, seg)
			out = append(out, seg)
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil {
				return nil, false
			}
			j := matchItem(o, merged, i)
			if j < 0 {
				return nil, false
			}
			cur, merged = o[j], childValue(merged, seg)
			out = append(out, strconv.Itoa(j))
		default:
			return nil, false
		}
	}
	return out, true
}

// matchItem returns the index in the override list over of item i of the
// merged list: the item with the same name when items are named, else the
// same index; -1 when the override does not hold it.
func matchItem(over []any, merged any, i int) int {
	list, _ := merged.([]any)
	name := ""
	if i >= 0 && i < len(list) {
		name = itemName(list[i])
	}
	if name == "" {
		if i >= 0 && i < len(over) {
			return i
		}
		return -1
	}
	if i >= 0 && i < len(over) && itemName(over[i]) == name {
		return i
	}
	for j, item := range over {
		if itemName(item) == name {
			return j
		}
	}
	return -1
}

func itemName(v any) string {
	m, _ := v.(map[string]any)
	name, _ := m["name"].(string)
	return name
}

func childValue(v any, seg string) any {
	switch c := v.(type) {
	case map[string]any:
		return c[seg]
	case []any:
		i, err := strconv.Atoi(seg)
		if err != nil || i < 0 || i >= len(c) {
			return nil
		}
		return c[i]
	}
	return nil
}
